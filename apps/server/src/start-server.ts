import { invalidArgument } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { startArtifactUpkeep } from "./artifacts/artifact-upkeep.js";
import { openBlobStore } from "./artifacts/open-blob-store.js";
import { startBackgroundTasks } from "./background-tasks.js";
import { isLoopbackHost } from "./http/access-gate.js";
import { buildApp } from "./http/build-app.js";
import type { BlobStore } from "./ports/blob-store.js";
import type { Store } from "./ports/store.js";
import type { ServerConfig } from "./server-config.js";
import { type Clock, systemClock } from "./services/clock.js";
import { createServices } from "./services/index.js";
import { openStore } from "./storage/open-store.js";

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  store: Store;
  blobStore: BlobStore;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** A pino logger; by default JSON lines on stderr at the configured level. */
  logger?: pino.Logger;
  /** The artifact store; by default the one `config.artifacts` names. */
  blobStore?: BlobStore;
}

/** Builds everything from the config and listens. The only place adapters are chosen (with testing/). */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  if (!isLoopbackHost(config.host) && !config.allowUnauthenticatedRemote) {
    throw invalidArgument(
      `refusing to listen on ${config.host}: Looplab has no authentication yet. Bind 127.0.0.1, or pass --allow-unauthenticated-remote if the network is trusted.`,
    );
  }
  const logger = options.logger ?? pino({ level: config.logLevel }, pino.destination(2));
  if (!isLoopbackHost(config.host)) {
    logger.warn({ host: config.host }, "listening on a non-loopback address WITHOUT authentication");
  }
  const store = await openStore(config.db);
  const blobStore = options.blobStore ?? openBlobStore(config.artifacts, { fsync: config.artifactsFsync });
  const services = createServices(store, options.clock ?? systemClock, {
    artifacts: { blobs: blobStore, defaultQuotaBytes: config.artifactQuota },
    queue: { leaseTimeoutMs: config.leaseTimeout },
  });
  const app = await buildApp(services, { logger, bodyLimit: config.bodyLimit, webRoot: config.webRoot });
  const stopTasks = startBackgroundTasks(services, {
    heartbeatTimeoutMs: config.heartbeatTimeout,
    deletedRetentionMs: config.deletedRetention,
    leaseTimeoutMs: config.leaseTimeout,
    logger,
  });
  const stopArtifactUpkeep = startArtifactUpkeep(services, logger);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await stopTasks();
    await stopArtifactUpkeep();
    await app.close();
    await store.close();
    await blobStore.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const hostForUrl = config.host.includes(":") && !config.host.startsWith("[") ? `[${config.host}]` : config.host;
  const url = `http://${hostForUrl}:${port}`;
  logger.info({ url, store: store.dialect }, "looplab server listening");
  return {
    url,
    port,
    app,
    store,
    blobStore,
    async close() {
      await stopTasks();
      await stopArtifactUpkeep();
      await app.close();
      await store.close();
      await blobStore.close();
    },
  };
}
