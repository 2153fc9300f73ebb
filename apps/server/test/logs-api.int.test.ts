import { MAX_LOG_LINE_CHARS } from "@looplab/core";
import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./http-client.js";
import { openSse } from "./sse-test-client.js";

type Line = { seq: number; stream: string; text: string; time: number };

describe.each(storeFactories)("run logs API on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
    api = apiClient(server.url);
  });
  afterAll(() => server.close());

  const newRun = async (project = "logs") => (await api.post("/api/v1/runs", { project })).body.id as string;
  const lines = (texts: string[], stream = "stdout") => texts.map((text, i) => ({ stream, text, time: 1000 + i }));
  const append = (runId: string, body: unknown) => api.post(`/api/v1/runs/${runId}/logs`, body);
  const read = (runId: string, query = "") => api.get(`/api/v1/runs/${runId}/logs${query}`);
  const texts = (page: { lines: Line[] }) => page.lines.map((l) => l.text);

  it("appends batches with gap-free sequence numbers and pages forward", async () => {
    const runId = await newRun();
    const first = await append(runId, { lines: lines(["a", "b", "c"]) });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ stored: 3, lastSeq: 3 });
    expect((await append(runId, { lines: lines(["d", "e"], "stderr") })).body).toEqual({ stored: 2, lastSeq: 5 });
    const all = await read(runId);
    expect(all.body).toEqual({
      lines: [
        { seq: 1, stream: "stdout", text: "a", time: 1000 },
        { seq: 2, stream: "stdout", text: "b", time: 1001 },
        { seq: 3, stream: "stdout", text: "c", time: 1002 },
        { seq: 4, stream: "stderr", text: "d", time: 1000 },
        { seq: 5, stream: "stderr", text: "e", time: 1001 },
      ],
      nextAfter: 5,
      hasMore: false,
    });
    const page1 = (await read(runId, "?limit=2")).body;
    expect([texts(page1), page1.nextAfter, page1.hasMore]).toEqual([["a", "b"], 2, true]);
    const page2 = (await read(runId, `?after=${page1.nextAfter}&limit=2`)).body;
    expect([texts(page2), page2.nextAfter, page2.hasMore]).toEqual([["c", "d"], 4, true]);
    const page3 = (await read(runId, `?after=${page2.nextAfter}&limit=2`)).body;
    expect([texts(page3), page3.nextAfter, page3.hasMore]).toEqual([["e"], 5, false]);
    // Polling past the end returns nothing and keeps the cursor.
    expect((await read(runId, "?after=5")).body).toEqual({ lines: [], nextAfter: 5, hasMore: false });
  });

  it("tails and filters by stream", async () => {
    const runId = await newRun();
    await append(runId, {
      lines: Array.from({ length: 20 }, (_, i) => ({
        stream: i % 4 === 0 ? "stderr" : "stdout",
        text: `l${i + 1}`,
        time: i,
      })),
    });
    const tail = (await read(runId, "?tail=3")).body;
    expect([texts(tail), tail.nextAfter, tail.hasMore]).toEqual([["l18", "l19", "l20"], 20, false]);
    expect(texts((await read(runId, "?tail=10&limit=2")).body)).toEqual(["l19", "l20"]);
    expect(texts((await read(runId, "?stream=stderr")).body)).toEqual(["l1", "l5", "l9", "l13", "l17"]);
    expect(texts((await read(runId, "?stream=stderr&tail=2")).body)).toEqual(["l13", "l17"]);
    expect(texts((await read(runId, "?stream=stdout&after=17&limit=2")).body)).toEqual(["l18", "l19"]);
    const empty = await newRun();
    expect((await read(empty, "?tail=5")).body).toEqual({ lines: [], nextAfter: 0, hasMore: false });
  });

  it("stores a batch with a batchId once", async () => {
    const runId = await newRun();
    const body = { batchId: "b-1", lines: lines(["once", "twice?"]) };
    expect((await append(runId, body)).body).toEqual({ stored: 2, lastSeq: 2 });
    expect((await append(runId, body)).body).toEqual({ stored: 0, lastSeq: 2 });
    expect((await append(runId, { batchId: "b-2", lines: lines(["next"]) })).body).toEqual({ stored: 1, lastSeq: 3 });
    expect(texts((await read(runId)).body)).toEqual(["once", "twice?", "next"]);
  });

  it("answers 404 for unknown runs and 409 for deleted ones", async () => {
    const missing = "f".repeat(32);
    const res = await append(missing, { lines: lines(["x"]) });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
    expect((await read(missing)).status).toBe(404);
    const runId = await newRun();
    expect((await api.del(`/api/v1/runs/${runId}`)).status).toBeLessThan(300);
    const deleted = await append(runId, { lines: lines(["x"]) });
    expect(deleted.status).toBe(409);
    expect(deleted.body.error.code).toBe("FAILED_PRECONDITION");
  });

  it("rejects bad input with 400", async () => {
    const runId = await newRun();
    const tooLong = await append(runId, {
      lines: [{ stream: "stdout", text: "x".repeat(MAX_LOG_LINE_CHARS + 1), time: 1 }],
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe("INVALID_ARGUMENT");
    expect(
      (await append(runId, { lines: [{ stream: "stdout", text: "x".repeat(MAX_LOG_LINE_CHARS), time: 1 }] })).status,
    ).toBe(200);
    expect((await append(runId, { lines: [] })).status).toBe(400);
    expect((await append(runId, { lines: lines(Array.from({ length: 5001 }, () => "x")) })).status).toBe(400);
    expect((await append(runId, { lines: [{ stream: "stdin", text: "x", time: 1 }] })).status).toBe(400);
    expect((await append(runId, { lines: lines(["x"]), extra: 1 })).status).toBe(400);
    const both = await read(runId, "?after=1&tail=1");
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe("INVALID_ARGUMENT");
    expect((await read(runId, "?tail=0")).status).toBe(400);
    expect((await read(runId, "?stream=stdin")).status).toBe(400);
    expect((await read(runId)).body.lines).toHaveLength(1);
  });

  it("keeps each batch whole and in order under concurrent appends", async () => {
    const runId = await newRun();
    const batches = Array.from({ length: 10 }, (_, b) => lines(Array.from({ length: 50 }, (_, i) => `${b}:${i}`)));
    const results = await Promise.all(batches.map((l) => append(runId, { lines: l })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const all = (await read(runId, "?limit=10000")).body as { lines: Line[] };
    expect(all.lines.map((l) => l.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    for (let block = 0; block < 10; block++) {
      const slice = all.lines.slice(block * 50, block * 50 + 50).map((l) => l.text);
      const batch = slice[0]?.split(":")[0];
      expect(slice).toEqual(Array.from({ length: 50 }, (_, i) => `${batch}:${i}`));
    }
  });

  it("counts an append as a heartbeat and publishes a logs event", async () => {
    const runId = await newRun("logs-live");
    const before = (await api.get(`/api/v1/runs/${runId}`)).body.heartbeatAt as number;
    const sse = await openSse(`${server.url}/api/v1/projects/logs-live/events`);
    try {
      await sse.waitFor((m) => m.event === "ready");
      await new Promise((r) => setTimeout(r, 300));
      await append(runId, { lines: lines(["beat"]) });
      const event = await sse.waitFor((m) => m.event === "logs");
      expect(event.data).toEqual({ runId, project: "logs-live", lastSeq: 1 });
    } finally {
      sse.close();
    }
    const after = (await api.get(`/api/v1/runs/${runId}`)).body.heartbeatAt as number;
    expect(after).toBeGreaterThan(before);
  });

  it("removes a run's lines when the run is purged", async () => {
    const runId = await newRun();
    await append(runId, { lines: lines(["gone"]) });
    const purge = await api.del(`/api/v1/runs/${runId}?purge=true`);
    expect(purge.status).toBeLessThan(300);
    expect((await read(runId)).status).toBe(404);
    expect(await server.store.logs.read(runId, { limit: 10 })).toEqual([]);
  });
});
