import type { FastifyBaseLogger } from "fastify";
import type { Services } from "../services/index.js";

/** Hourly artifact garbage collection (expired uploads, unreferenced blobs after the grace period). */
export function startArtifactUpkeep(services: Services, logger: FastifyBaseLogger, everyMs = 3_600_000) {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = services.artifacts
      .collectGarbage()
      .then((result) => {
        if (result.blobsDeleted > 0 || result.uploadsExpired > 0) logger.info(result, "artifact garbage collected");
      })
      .catch((error) => logger.error({ err: error }, "artifact garbage collection failed"));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
