import { fileURLToPath } from "node:url";
import { isLooplabError } from "@looplab/core";
import { tuneHeapForStreaming } from "./heap-tuning.js";
import { resolveServerConfig, type ServerConfigInput } from "./server-config.js";
import { type RunningServer, startServer } from "./start-server.js";

/** The dashboard built by `npm start` (apps/web/dist), beside this workspace. */
const defaultWebRoot = fileURLToPath(new URL("../../web/dist", import.meta.url));

/**
 * Reads flags and the environment, starts the server and stops it cleanly on SIGINT/SIGTERM.
 * Returns the running server; the process stays up while it listens.
 */
export async function runServerMain(flags: Partial<ServerConfigInput>): Promise<RunningServer> {
  const config = resolveServerConfig(flags);
  tuneHeapForStreaming();
  config.webRoot ??= defaultWebRoot;
  const server = await startServer(config);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(signal === "SIGINT" ? 130 : 0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return server;
}

export function describeStartError(error: unknown): string {
  if (isLooplabError(error)) return error.message;
  const err = error as NodeJS.ErrnoException;
  if (err.code === "EADDRINUSE") return `port already in use (${err.message}); pick another with --port`;
  return err.message ?? String(error);
}
