/**
 * `npm run bench [ingest|read|search|sdk …]`: runs the benchmarks (all by default) and prints
 * each figure with the ratio or target it is judged by. Record results in BENCHMARKS.md.
 */
import { cpus } from "node:os";
import { benchArtifacts } from "./artifacts.js";
import { benchBrowser } from "./browser.js";
import { benchIngest } from "./ingest.js";
import { benchMlflow } from "./mlflow.js";
import { benchQueue } from "./queue.js";
import { benchRead } from "./read.js";
import { figures } from "./report.js";
import { benchSdk } from "./sdk-overhead.js";
import { benchSearch } from "./search.js";
import { benchSweeps } from "./sweeps.js";

const suites: Record<string, () => Promise<void>> = {
  ingest: benchIngest,
  read: benchRead,
  search: benchSearch,
  sdk: benchSdk,
  browser: benchBrowser,
  artifacts: benchArtifacts,
  sweeps: benchSweeps,
  queue: benchQueue,
  mlflow: benchMlflow,
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in suites));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(", ")}; choose from ${Object.keys(suites).join(", ")}\n`);
  process.exit(2);
}
process.stdout.write(
  `Looplab benchmarks — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} cores\n`,
);
for (const name of asked.length > 0 ? asked : Object.keys(suites)) {
  process.stdout.write(`\n## ${name}\n`);
  await suites[name]?.();
}
const missed = figures.filter((f) => !f.pass).length;
process.stdout.write(`\n${figures.length - missed} of ${figures.length} figures met their targets\n`);
