/**
 * A training script for crash tests, run as its own process (`node --import tsx …`):
 * logs `FIXTURE_POINTS` steps of `x` (value = step) to LOOPLAB_URL, then, by FIXTURE_MODE:
 * `finish` calls `run.finish()`; `wait` idles until signalled; `end` just returns (no
 * finish); `throw` dies of an uncaught exception. Prints the run id, then progress, on stdout.
 */
import { Looplab } from "@looplab/sdk";

const env = process.env;
const total = Number(env.FIXTURE_POINTS ?? "1000");
const mode = env.FIXTURE_MODE ?? "finish";
const looplab = new Looplab({
  initTimeoutMs: Number(env.FIXTURE_INIT_TIMEOUT_MS ?? "1000"),
  finishTimeoutMs: Number(env.FIXTURE_FINISH_TIMEOUT_MS ?? "2000"),
  exitFlushTimeoutMs: Number(env.FIXTURE_EXIT_FLUSH_MS ?? "1000"),
  replayOnInit: false,
  retry: { baseDelayMs: 20, maxDelayMs: 200 },
  onError: () => {},
});
const run = await looplab.init({
  project: env.FIXTURE_PROJECT ?? "fixture",
  ...(env.FIXTURE_RUN_ID ? { id: env.FIXTURE_RUN_ID } : {}),
});
process.stdout.write(`run ${run.id}\n`);

for (let step = 0; step < total; step++) {
  run.log({ x: step }, { step });
  if (step % 100 === 99) {
    process.stdout.write(`logged ${step}\n`);
    await new Promise((resolve) => setTimeout(resolve, mode === "wait" ? 20 : 1));
  }
}
if (mode === "end") process.stdout.write("ending\n");
if (mode === "throw") throw new Error("training diverged");
if (mode === "wait") {
  process.stdout.write("waiting\n");
  await new Promise(() => setInterval(() => {}, 1000));
}
if (mode === "finish") {
  const result = await run.finish();
  process.stdout.write(`finished ${JSON.stringify(result)}\n`);
}
