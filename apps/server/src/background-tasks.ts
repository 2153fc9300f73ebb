import type { FastifyBaseLogger } from "fastify";
import type { Services } from "./services/index.js";

/** Periodic upkeep: crash detection from stopped heartbeats, queue lease expiry and purging of old soft-deleted runs. */
export function startBackgroundTasks(
  services: Services,
  opts: { heartbeatTimeoutMs: number; deletedRetentionMs: number; leaseTimeoutMs?: number; logger: FastifyBaseLogger },
): () => Promise<void> {
  const crashCheckMs = Math.max(250, Math.min(30_000, Math.floor(opts.heartbeatTimeoutMs / 4)));
  let running: Promise<unknown> = Promise.resolve();
  const crashTimer = setInterval(() => {
    running = services.runs
      .detectCrashed(opts.heartbeatTimeoutMs)
      .then((ids) => {
        if (ids.length > 0) opts.logger.warn({ runIds: ids }, "runs marked crashed: heartbeat stopped");
      })
      .catch((error) => opts.logger.error({ err: error }, "crash detection failed"));
  }, crashCheckMs);
  crashTimer.unref();
  const gcTimer = setInterval(() => {
    if (opts.deletedRetentionMs <= 0) return;
    running = services.runs
      .collectGarbage(opts.deletedRetentionMs)
      .catch((error) => opts.logger.error({ err: error }, "garbage collection failed"));
  }, 3_600_000);
  gcTimer.unref();
  // Queue leases: expired ones go back to the queue (or fail at their attempt limit).
  const leaseCheckMs = Math.max(250, Math.min(15_000, Math.floor((opts.leaseTimeoutMs ?? 60_000) / 4)));
  let expiring: Promise<unknown> = Promise.resolve();
  const leaseTimer = setInterval(() => {
    expiring = services.queue
      .expireLeases()
      .then(({ requeued, failed }) => {
        if (requeued.length > 0) opts.logger.warn({ jobIds: requeued }, "job leases expired: jobs re-queued");
        if (failed.length > 0)
          opts.logger.warn({ jobIds: failed }, "job leases expired at the attempt limit: jobs failed");
      })
      .catch((error) => opts.logger.error({ err: error }, "lease expiry failed"));
  }, leaseCheckMs);
  leaseTimer.unref();
  // Sweep controller: proposes, prunes and ends sweeps from what their trials report.
  const stopSweeps = services.sweeps.start(1000, (error, sweepId) =>
    opts.logger.error({ err: error, sweepId }, "sweep controller tick failed"),
  );
  return async () => {
    await stopSweeps();
    clearInterval(leaseTimer);
    services.queue.close();
    await expiring;
    clearInterval(crashTimer);
    clearInterval(gcTimer);
    await running;
  };
}
