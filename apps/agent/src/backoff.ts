/** Retry delays and an abortable sleep for the agent's calls to the server. */

export interface Backoff {
  /** Delay before retry number `attempt` (1-based), ms: doubling from `baseMs` up to `maxMs`, jittered. */
  delay(attempt: number): number;
}

export function createBackoff(baseMs = 250, maxMs = 10_000, random: () => number = Math.random): Backoff {
  return {
    delay(attempt) {
      const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 20)));
      return Math.round(ceiling * (0.5 + random() * 0.5));
    },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
