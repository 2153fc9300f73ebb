#!/usr/bin/env node
// Builds the dashboard (apps/web) when its sources, or the SDK and core it bundles, are newer than
// the last build. Used by `npm start` and by the browser tests; exits non-zero if the build fails.
import { spawnSync } from "node:child_process";
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
  // A NODE_ENV inherited from a test runner ("test") would bundle React's slow development build.
  const env = { ...process.env, NODE_ENV: "production" };
  const result = spawnSync(vite, ["build", "--logLevel", "warn"], { cwd: web, stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
