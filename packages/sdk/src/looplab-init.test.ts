import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeFloat } from "@looplab/core";
import { freePort, type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LooplabApiError } from "./client-errors.js";
import { NodeLooplab as Looplab, type NodeLooplabOptions } from "./node/node-looplab.js";
import type { SdkEvent } from "./sdk-events.js";
import { readSeries } from "./testing/series-reader.js";

let server: RunningServer;
const events: SdkEvent[] = [];

function looplab(options: NodeLooplabOptions = {}): Looplab {
  return new Looplab({
    url: server.url,
    spoolDir: mkdtempSync(join(tmpdir(), "looplab-sdk-spool-")),
    exitHooks: false,
    onError: (e) => events.push(e),
    ...options,
  });
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("Looplab against a real server", () => {
  it("init creates the project and a running run with git, command, host and environment", async () => {
    const run = await looplab().init({
      project: "sdk-init",
      name: "first",
      tags: ["baseline"],
      config: { optimizer: { lr: 0.01 } },
      group: "g",
      notes: "hello",
    });
    expect(run.id).toMatch(/^[0-9a-f]{32}$/);
    const record = await looplab().getRun(run.id);
    expect(record).toMatchObject({
      project: "sdk-init",
      name: "first",
      status: "running",
      origin: "sdk",
      group: "g",
      notes: "hello",
      tags: { baseline: "" },
      config: { optimizer: { lr: 0.01 } },
    });
    expect(record.command).toContain("node");
    expect(record.host).toBeTruthy();
    expect(record.environment).toMatchObject({ runtime: process.version.replace(/^/, "node "), cwd: process.cwd() });
    expect(record.git?.commit === null || /^[0-9a-f]{40}$/.test(String(record.git?.commit))).toBe(true);
    expect(record.startedAt).toBeGreaterThan(0);
    await run.finish();
  });

  it("logs points, tags, notes and config, then finishes", async () => {
    const ll = looplab();
    const run = await ll.init({ project: "sdk-log" });
    for (let step = 0; step < 3000; step++) run.log({ "train/loss": 1 / (step + 1), "val/acc": step / 3000 });
    run.setTags({ team: "vision" });
    run.setNotes("tuned");
    run.updateConfig({ batch: 64 });
    const result = await run.finish();
    expect(result).toMatchObject({ status: "finished", delivered: true, pendingRecords: 0, droppedPoints: 0 });
    const record = await ll.getRun(run.id);
    expect(record).toMatchObject({
      status: "finished",
      tags: { team: "vision" },
      notes: "tuned",
      config: { batch: 64 },
    });
    expect(record.endedAt).toBeGreaterThan(0);
    const series = await ll.client.listSeries(run.id);
    expect(Object.fromEntries(series.series.map((s) => [s.key, s.count]))).toEqual({
      "train/loss": 3000,
      "val/acc": 3000,
    });
    const points = await readSeries(ll.client, run.id, "train/loss");
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it("round-trips NaN and ±Infinity", async () => {
    const ll = looplab();
    const run = await ll.init({ project: "sdk-nan" });
    const values = [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.25, Number.MIN_VALUE];
    for (const [step, v] of values.entries()) run.log({ v }, { step });
    await run.finish();
    const points = await readSeries(ll.client, run.id, "v");
    expect(points.map((p) => decodeFloat(p.value))).toEqual(values);
    const [summary] = (await ll.client.listSeries(run.id)).series;
    expect(summary).toMatchObject({ count: 6, nanCount: 1, max: "Infinity", min: "-Infinity" });
  });

  it("continues a run by id only when asked to resume an ended one", async () => {
    const ll = looplab();
    const first = await ll.init({ project: "sdk-resume" });
    first.log({ x: 1 }, { step: 0 });
    await first.finish();
    const refused = await ll.init({ project: "sdk-resume", id: first.id }).catch((e: unknown) => e);
    expect((refused as LooplabApiError).code).toBe("FAILED_PRECONDITION");
    const again = await ll.init({ project: "sdk-resume", id: first.id, resume: true });
    expect(again.id).toBe(first.id);
    expect((await ll.getRun(first.id)).status).toBe("running");
    again.log({ x: 2 }, { step: 1 });
    await again.finish();
    expect((await readSeries(ll.client, first.id, "x")).map((p) => p.value)).toEqual([1, 2]);
  });

  it("attaches to a queued run named by LOOPLAB_RUN_ID instead of creating one", async () => {
    const ll = looplab();
    const queued = await ll.client.createRun({
      project: "sdk-queue",
      status: "queued",
      origin: "queue",
      config: { lr: 1 },
    });
    process.env.LOOPLAB_RUN_ID = queued.id;
    try {
      const run = await ll.init({ project: "sdk-queue", tags: ["from-agent"] });
      expect(run.id).toBe(queued.id);
      const record = await ll.getRun(queued.id);
      expect(record).toMatchObject({ status: "running", tags: { "from-agent": "" }, config: { lr: 1 } });
      run.log({ x: 1 });
      await run.finish();
      const runs = await ll.searchRuns({ project: "sdk-queue" });
      expect(runs.runs.map((r) => r.id)).toEqual([queued.id]);
    } finally {
      delete process.env.LOOPLAB_RUN_ID;
    }
  });

  it("defineMetric creates a missing project and sets the goal used for best", async () => {
    const ll = looplab();
    await expect(ll.defineMetric("sdk-goal", "val/loss", { goal: "min" })).resolves.toEqual({
      key: "val/loss",
      goal: "min",
    });
    const run = await ll.init({ project: "sdk-goal" });
    for (const [step, v] of [3, 1, 2].entries()) run.log({ "val/loss": v }, { step });
    await run.finish();
    const [summary] = (await ll.client.listSeries(run.id)).series;
    expect(summary?.best).toBe(1);
    const found = await ll.searchRuns({ project: "sdk-goal", filter: "metrics.val/loss.min < 1.5" });
    expect(found.runs.map((r) => r.id)).toEqual([run.id]);
  });

  it("throws the server's error for a bad request, typed as LooplabError", async () => {
    const error = await looplab()
      .getRun("ffffffffffffffffffffffffffffffff")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LooplabApiError);
    expect(error).toMatchObject({ code: "NOT_FOUND", httpStatus: 404 });
    const invalid = await looplab()
      .init({ project: "bad name!" })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("starts offline when the server is down at init, and delivers once it is up", async () => {
    const port = await freePort();
    const ll = looplab({
      url: `http://127.0.0.1:${port}`,
      initTimeoutMs: 200,
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
    });
    const run = await ll.init({ project: "sdk-offline", tags: ["offline"] });
    for (let step = 0; step < 500; step++) run.log({ x: step }, { step });
    await new Promise((r) => setTimeout(r, 150));
    expect(run.stats().offline).toBe(true);
    const late = await startTestServer({ port });
    try {
      const result = await run.finish({ timeoutMs: 20_000 });
      expect(result.delivered).toBe(true);
      const record = await ll.getRun(run.id);
      expect(record).toMatchObject({ project: "sdk-offline", status: "finished", tags: { offline: "" } });
      expect((await readSeries(ll.client, run.id, "x")).length).toBe(500);
    } finally {
      await late.close();
    }
  });
});
