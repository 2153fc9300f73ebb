import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningServer, startTestServer } from "@looplab/server/testing";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const webDist = join(root, "apps/web/dist");

const buildLock = join(tmpdir(), "looplab-e2e-web-build.lock");

/** Test files run in parallel workers: one builds while the others wait (a lock older than 5 min is stale). */
function withBuildLock(build: () => void): void {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(buildLock);
      break;
    } catch {
      const age = (() => {
        try {
          return Date.now() - statSync(buildLock).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if (age > 5 * 60_000) rmSync(buildLock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for ${buildLock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    build();
  } finally {
    rmSync(buildLock, { recursive: true, force: true });
  }
}

/** Builds the dashboard when it is missing or older than its sources (scripts/build-web.mjs). */
export function ensureDashboardBuilt(): void {
  withBuildLock(() => {
    const result = spawnSync(process.execPath, [join(root, "scripts/build-web.mjs")], { stdio: "inherit" });
    if (result.status !== 0) throw new Error("building the dashboard failed");
  });
}

/** A real server on SQLite that serves the built dashboard. */
export async function startDashboardServer(): Promise<RunningServer> {
  ensureDashboardBuilt();
  return await startTestServer({ webRoot: webDist });
}
