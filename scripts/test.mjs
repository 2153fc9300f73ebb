#!/usr/bin/env node
// The whole test suite: format, lint, typecheck, dependency rules, OpenAPI freshness, then every
// vitest test (unit, integration on a throw-away PostgreSQL, browser). Ends with "N passed, N failed".
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const tmp = join(root, ".tmp");
mkdirSync(tmp, { recursive: true });

let passed = 0;
let failed = 0;

function step(name, command, args, opts = {}) {
  process.stderr.write(`\n=== ${name}: ${[command, ...args].join(" ")}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...opts });
  if (result.status === 0) {
    passed += 1;
    process.stderr.write(`=== ${name}: ok\n`);
    return true;
  }
  failed += 1;
  process.stderr.write(`=== ${name}: FAILED (exit ${result.status ?? result.signal})\n`);
  return false;
}

if (!existsSync(join(root, "node_modules"))) {
  step("install", "npm", ["ci", "--no-audit", "--no-fund"]);
}

step("format+lint", bin("biome"), ["ci", "."]);
step("typecheck", bin("tsc"), ["-p", "tsconfig.json", "--noEmit"]);
step("typecheck web", bin("tsc"), ["-p", "apps/web/tsconfig.json", "--noEmit"]);
step("build web", bin("vite"), ["build", "--logLevel", "warn"], {
  cwd: join(root, "apps/web"),
  env: { ...process.env, NODE_ENV: "production" },
});
step("dependency rules", bin("depcruise"), ["--config", ".dependency-cruiser.cjs", "packages", "apps"]);
const freshOpenApi = join(tmp, "openapi.json");
if (
  step("openapi generate", process.execPath, [join(root, "apps/cli/bin/looplab.js"), "openapi", "--out", freshOpenApi])
) {
  const same =
    existsSync(join(root, "openapi.json")) &&
    readFileSync(freshOpenApi, "utf8") === readFileSync(join(root, "openapi.json"), "utf8");
  if (same) passed += 1;
  else {
    failed += 1;
    process.stderr.write("=== openapi.json is stale: run `npm run openapi` and commit the result\n");
  }
}

const report = join(tmp, "vitest-report.json");
const extra = process.argv.slice(2);
spawnSync(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra], {
  cwd: root,
  stdio: "inherit",
});
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, "utf8"));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  // A test file that fails to load has no tests to count: count it as a failure.
  const brokenFiles = results.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0);
  failed += brokenFiles.length;
  for (const f of brokenFiles) process.stderr.write(`=== test file failed to run: ${f.name}\n${f.message}\n`);
} else {
  failed += 1;
  process.stderr.write("=== vitest produced no report\n");
}

process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
