import type { FastifyBaseLogger } from "fastify";
import type { Services } from "./services/index.js";

/** Periodic upkeep: crash detection from stopped heartbeats and purging of old soft-deleted runs. */
export function startBackgroundTasks(
  services: Services,
  opts: { heartbeatTimeoutMs: number; deletedRetentionMs: number; logger: FastifyBaseLogger },
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
  return async () => {
    clearInterval(crashTimer);
    clearInterval(gcTimer);
    await running;
  };
}
