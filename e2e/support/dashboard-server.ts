import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningServer, startTestServer } from "@looplab/server/testing";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const webDist = join(root, "apps/web/dist");

/** Builds the dashboard when it is missing or older than its sources (scripts/build-web.mjs). */
export function ensureDashboardBuilt(): void {
  const result = spawnSync(process.execPath, [join(root, "scripts/build-web.mjs")], { stdio: "inherit" });
  if (result.status !== 0) throw new Error("building the dashboard failed");
}

/** A real server on SQLite that serves the built dashboard. */
export async function startDashboardServer(): Promise<RunningServer> {
  ensureDashboardBuilt();
  return await startTestServer({ webRoot: webDist });
}
