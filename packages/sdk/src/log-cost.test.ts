import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { NodeLooplab as Looplab } from "./node/node-looplab.js";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

it("run.log with two metrics costs the caller under 1 µs", async () => {
  const ll = new Looplab({
    url: server.url,
    spoolDir: mkdtempSync(join(tmpdir(), "looplab-spool-")),
    exitHooks: false,
    replayOnInit: false,
  });
  const run = await ll.init({ project: "log-cost" });
  const perCall: number[] = [];
  let step = 0;
  // Slices of 2 000 calls between yields, as in a training loop; background sending runs in
  // the yields and is not charged to the caller.
  for (let slice = 0; slice < 100; slice++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 2000; i++, step++) run.log({ "train/loss": 1 / (step + 1), "val/acc": 0.5 });
    perCall.push(Number(process.hrtime.bigint() - start) / 2000);
    await new Promise((r) => setImmediate(r));
  }
  const warm = perCall.slice(30).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)] as number;
  expect(median, `median ${median.toFixed(0)} ns per call`).toBeLessThan(1000);
  const result = await run.finish();
  expect(result.delivered).toBe(true);
  expect(run.stats().ackedPoints).toBe(step * 2);
});
