import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const venv = join(root, ".tmp", "python-sklearn");
const python = join(venv, "bin", "python");
const lock = `${venv}.lock`;

const hasSklearn = () =>
  existsSync(python) && spawnSync(python, ["-c", "import sklearn"], { stdio: "ignore" }).status === 0;

/**
 * A virtual environment with scikit-learn for the example training jobs, created on first use
 * from this machine's local package index (STACK.md: no network but npm and Debian; the wheels
 * are in /opt/pypi). Kept in .tmp/ so later runs reuse it. Returns the venv's bin folder.
 */
export function ensureSklearnPython(): string {
  if (hasSklearn()) return dirname(python);
  waitForLock();
  try {
    if (hasSklearn()) return dirname(python);
    rmSync(venv, { recursive: true, force: true });
    const base = process.env.LOOPLAB_PYTHON ?? "python3";
    run(base, ["-m", "venv", venv]);
    const env = { ...process.env, PIP_INDEX_URL: process.env.PIP_INDEX_URL ?? "file:///opt/pypi/simple" };
    run(python, ["-m", "pip", "install", "-q", "--disable-pip-version-check", "scikit-learn"], env);
    if (!hasSklearn()) throw new Error(`scikit-learn is not importable in ${venv} after installing it`);
    return dirname(python);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status})`);
}

/** Parallel test files: one installs while the others wait (a lock older than 10 min is stale). */
function waitForLock(): void {
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch {
      const age = (() => {
        try {
          return Date.now() - statSync(lock).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if (age > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 10 minutes for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
}
