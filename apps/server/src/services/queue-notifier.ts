/**
 * Wakes long-polling claimers when work may have appeared (a job enqueued, released, requeued or
 * expired, a slot freed, a limit raised). A version counter closes the gap between a claimer's
 * failed attempt and its wait: `wait(seen, ms)` returns at once if anything happened since `seen`.
 * Other server processes sharing a PostgreSQL database are not notified; claimers re-poll instead.
 */
export function createQueueNotifier() {
  let version = 0;
  let closed = false;
  const waiters = new Set<() => void>();
  return {
    get version(): number {
      return version;
    },
    get closed(): boolean {
      return closed;
    },
    wake(): void {
      version += 1;
      for (const resolve of [...waiters]) resolve();
    },
    /** Resolves when woken, after `ms`, when `signal` aborts, or at once if woken since `seen` or closed. */
    wait(seen: number, ms: number, signal?: AbortSignal): Promise<void> {
      if (closed || version !== seen || ms <= 0 || signal?.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          signal?.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiters.add(done);
        signal?.addEventListener("abort", done, { once: true });
      });
    },
    /** Releases every waiter; later waits return at once. */
    close(): void {
      closed = true;
      for (const resolve of [...waiters]) resolve();
    },
  };
}
export type QueueNotifier = ReturnType<typeof createQueueNotifier>;
