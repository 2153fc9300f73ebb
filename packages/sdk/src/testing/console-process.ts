/**
 * A script for console-capture tests, run as its own process (`node --import tsx …`): starts
 * a run on LOOPLAB_URL, writes known lines to stdout/stderr in several ways, waits
 * FIXTURE_WAIT_MS, then finishes (FIXTURE_MODE=finish) or just ends (exit hooks flush).
 * FIXTURE_CAPTURE=0 turns console capture off; FIXTURE_METRICS_MS sets the system metrics interval.
 */
// biome-ignore-all lint/suspicious/noConsole: the script tests that console output is captured
import { Looplab } from "@looplab/sdk";

const env = process.env;
const looplab = new Looplab({ replayOnInit: false, finishTimeoutMs: 5_000, onError: () => {} });
const metricsMs = Number(env.FIXTURE_METRICS_MS ?? "0");
const run = await looplab.init({
  project: env.FIXTURE_PROJECT ?? "console",
  ...(env.FIXTURE_CAPTURE === "0" ? { captureConsole: false } : {}),
  ...(metricsMs > 0 ? { systemMetrics: { intervalMs: metricsMs } } : { systemMetrics: false }),
});
console.log(`run ${run.id}`);
console.log("hello from stdout");
console.error("warning on stderr");
process.stdout.write("partial ");
process.stdout.write(Buffer.from("line ✓\n", "utf8"));
for (let i = 0; i < 3; i++) console.log(`step ${i}`);
process.stdout.write("no newline at the end");
await new Promise((resolve) => setTimeout(resolve, Number(env.FIXTURE_WAIT_MS ?? "0")));
if (env.FIXTURE_MODE !== "end") {
  const result = await run.finish();
  process.stderr.write(`\nfinished ${result.delivered}\n`);
}
