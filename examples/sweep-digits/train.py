"""Trains a small MLP on scikit-learn's digits (shipped with scikit-learn, no download).

Reads its configuration from the JSON file Looplab's agent writes (``--config`` or
``LOOPLAB_CONFIG_FILE``) and reports metrics by printing JSON lines
``{"looplab": {"step": ..., "val/acc": ...}}`` that the agent turns into metric series: no
Looplab client is needed, only the standard library and scikit-learn.
"""

import argparse
import json
import os
import sys
import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler


def report(step, **metrics):
    print(json.dumps({"looplab": {"step": step, **metrics}}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=os.environ.get("LOOPLAB_CONFIG_FILE"))
    args = parser.parse_args()
    if not args.config:
        sys.exit("no config: pass --config FILE or set LOOPLAB_CONFIG_FILE")
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)

    model = config.get("model", {})
    width, depth = int(model.get("width", 64)), int(model.get("depth", 1))
    epochs, seed = int(config.get("epochs", 10)), int(config.get("seed", 0))
    print(f"run {os.environ.get('LOOPLAB_RUN_ID', '-')}: width={width} depth={depth} "
          f"lr={config['lr']:.2e} alpha={config.get('alpha', 1e-4):.2e} epochs={epochs}", flush=True)

    digits = load_digits()
    x_train, x_val, y_train, y_val = train_test_split(
        digits.data, digits.target, test_size=0.25, stratify=digits.target, random_state=seed)
    scaler = StandardScaler().fit(x_train)
    x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)

    clf = MLPClassifier(hidden_layer_sizes=(width,) * depth, learning_rate_init=float(config["lr"]),
                        alpha=float(config.get("alpha", 1e-4)), batch_size=int(config.get("batch_size", 64)),
                        max_iter=1, warm_start=True, random_state=seed)
    warnings.simplefilter("ignore", ConvergenceWarning)
    started = time.time()
    for epoch in range(1, epochs + 1):
        clf.fit(x_train, y_train)  # one epoch: max_iter=1 with warm_start
        train_acc, val_acc = clf.score(x_train, y_train), clf.score(x_val, y_val)
        report(epoch, **{"train/loss": clf.loss_, "train/acc": train_acc, "val/acc": val_acc})
        print(f"epoch {epoch}/{epochs} loss={clf.loss_:.4f} val_acc={val_acc:.4f}", flush=True)
    print(f"done in {time.time() - started:.1f}s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
