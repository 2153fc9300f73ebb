"""Log to Looplab with the official MLflow client (pip install mlflow scikit-learn).

    npx looplab server                 # in another terminal
    python train.py

Not run in CI: the official `mlflow` package is not installed there; the conformance suite in
apps/server/src/mlflow/ covers the same requests.
"""
import os

import mlflow
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI", "http://127.0.0.1:7373"))  # a Looplab server
mlflow.set_experiment("digits")

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X / 16.0, y, test_size=0.2, random_state=0)

with mlflow.start_run(run_name="mlp"):
    lr, width = 3e-3, 256
    mlflow.log_params({"lr": lr, "width": width})
    model = MLPClassifier(hidden_layer_sizes=(width,), learning_rate_init=lr, random_state=0)
    for step in range(30):
        model.partial_fit(X_train, y_train, classes=list(range(10)))
        mlflow.log_metric("val_acc", model.score(X_val, y_val), step=step)
        mlflow.log_metric("loss", model.loss_, step=step)
    with open("model.txt", "w") as f:
        f.write(repr(model))
    mlflow.log_artifact("model.txt")

runs = mlflow.search_runs(filter_string="metrics.val_acc > 0.9")
print(runs[["run_id", "metrics.val_acc", "params.lr"]])
