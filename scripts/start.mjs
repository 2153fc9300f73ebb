#!/usr/bin/env node
// `npm start`: builds the dashboard when its sources are newer than the last build, then runs
// `looplab server` with any extra arguments (`npm start -- --port 8000`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "apps/web");
const builtIndex = join(web, "dist/index.html");

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const sources = ["src", "index.html", "vite.config.ts", "package.json"].map((p) => join(web, p));
const sdkAndCore = [join(root, "packages/sdk/src"), join(root, "packages/core/src")];
const needsBuild =
  !existsSync(builtIndex) ||
  Math.max(...[...sources, ...sdkAndCore].filter(existsSync).map(newestMtime)) > statSync(builtIndex).mtimeMs;
if (needsBuild) {
  process.stderr.write("building the dashboard (apps/web)…\n");
  const vite = join(root, "node_modules/.bin/vite");
  const result = spawnSync(vite, ["build", "--logLevel", "warn"], { cwd: web, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const server = spawn(process.execPath, [join(root, "apps/cli/bin/looplab.js"), "server", ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
