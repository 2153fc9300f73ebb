import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerProcess, spawnServerProcess } from "@looplab/server/testing";

/** A real `looplab server` process on a fresh SQLite file, so the load generator has its own CPU. */
export async function startBenchServer(): Promise<{
  server: ServerProcess;
  dir: string;
  dbPath: string;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), "looplab-bench-"));
  const dbPath = join(dir, "looplab.db");
  const server = await spawnServerProcess({ dbUrl: `sqlite:${dbPath}` });
  return {
    server,
    dir,
    dbPath,
    async stop() {
      await server.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { getJson, postJson } from "./http-json.js";
