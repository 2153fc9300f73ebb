import type { Run } from "../run.js";

type Signal = "SIGINT" | "SIGTERM";

/**
 * One set of process listeners for every tracked run (installed while at least one run is
 * tracked, removed after):
 * - SIGINT/SIGTERM with no other listener: finish the runs as `killed` (delivering within
 *   each run's `flushTimeoutMs`, spooling the rest), then re-raise the signal so the process ends the
 *   way it would have without us. A second signal skips the waiting. When the program has its
 *   own listener, the signal is its business: we do nothing (its `exit` still spools).
 * - beforeExit (the program ran out of work without `finish`): finish the runs normally.
 * - exit (process.exit, uncaught exception): spool everything synchronously, final status included.
 */
export interface SharedExitHooks {
  /** Watches a run; on a signal it gets `flushTimeoutMs` to reach the server. */
  track(run: Run, flushTimeoutMs: number): () => void;
}

export function createExitHooks(): SharedExitHooks {
  const tracked = new Map<Run, number>();
  let installed = false;
  let signalled = false;

  const onExit = (code: number) => {
    for (const run of tracked.keys()) run.exitSync(code);
  };
  const onBeforeExit = () => {
    const failed = typeof process.exitCode === "number" && process.exitCode !== 0;
    for (const run of tracked.keys()) if (!run.finished) void run.finish({ status: failed ? "failed" : "finished" });
  };
  const onSignal = (signal: Signal) => {
    if (process.listenerCount(signal) > 1) return;
    if (signalled) return reraise(signal);
    signalled = true;
    const flushes = [...tracked].map(([run, timeoutMs]) =>
      run.finished ? run.flush(timeoutMs) : run.finish({ status: "killed", timeoutMs }),
    );
    Promise.all(flushes)
      .catch(() => {})
      .finally(() => reraise(signal));
  };
  const onSigint = () => onSignal("SIGINT");
  const onSigterm = () => onSignal("SIGTERM");

  function reraise(signal: Signal): void {
    for (const run of tracked.keys()) run.exitSync(128 + (signal === "SIGINT" ? 2 : 15));
    uninstall();
    process.kill(process.pid, signal);
  }
  function install(): void {
    installed = true;
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigterm);
    process.on("beforeExit", onBeforeExit);
    process.on("exit", onExit);
  }
  function uninstall(): void {
    installed = false;
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    process.off("beforeExit", onBeforeExit);
    process.off("exit", onExit);
  }

  return {
    track(run, flushTimeoutMs) {
      tracked.set(run, flushTimeoutMs);
      if (!installed) install();
      return () => {
        tracked.delete(run);
        if (tracked.size === 0 && installed && !signalled) uninstall();
      };
    },
  };
}
