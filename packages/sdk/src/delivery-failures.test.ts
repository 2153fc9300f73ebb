import { describe, expect, it } from "vitest";
import { createClient, type FetchLike } from "./client.js";
import { Run } from "./run.js";
import { type RunSettings, resolveRunSettings } from "./run-settings.js";
import type { SdkEvent } from "./sdk-events.js";

// The fake fetch is the failure-injection edge (503s, refused connections, delays, 413s);
// delivery against the real server is covered by delivery-guarantees.test.ts.
const RUN_ID = "00000000000040008000000000000001";

interface Sent {
  method: string;
  path: string;
  body: { batchId?: string; points?: { key: string; step: number; value: unknown }[]; status?: string };
}

type Column = { key: string; steps: number[]; values: unknown[] };

/** The SDK sends columnar batches; these tests read them as one row per point, in batch order. */
function asPointRows(body: Sent["body"] & { series?: Column[] }): Sent["body"] {
  if (body.series === undefined) return body;
  const { series, ...rest } = body;
  const points = series.flatMap((c) => c.steps.map((step, i) => ({ key: c.key, step, value: c.values[i] })));
  return { ...rest, points };
}

function harness(respond: (req: Sent, attempt: number) => Response | Error, settings: Partial<RunSettings> = {}) {
  const sent: Sent[] = [];
  const events: SdkEvent[] = [];
  const attempts = new Map<string, number>();
  const fetch: FetchLike = async (url, init) => {
    const req: Sent = {
      method: String(init.method),
      path: new URL(url).pathname,
      body: init.body === undefined ? {} : asPointRows(JSON.parse(String(init.body))),
    };
    sent.push(req);
    const id = req.body.batchId ?? `${req.method} ${JSON.stringify(req.body)}`;
    const n = (attempts.get(id) ?? 0) + 1;
    attempts.set(id, n);
    await new Promise((r) => setTimeout(r, 1));
    const answer = respond(req, n);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const run = new Run(
    { id: RUN_ID, project: "p", record: null },
    {
      client: createClient({ url: "http://looplab.test", fetch }),
      spool: undefined,
      settings: resolveRunSettings({
        heartbeatIntervalMs: 0,
        flushIntervalMs: 5,
        retry: { baseDelayMs: 2, maxDelayMs: 10 },
        ...settings,
      }),
      report: (e) => events.push(e),
      now: Date.now,
      random: Math.random,
      session: "t1",
    },
  );
  return { run, sent, events };
}

const ok = (req: Sent) =>
  req.path.endsWith("/metrics")
    ? Response.json({ stored: req.body.points?.length ?? 0, duplicateBatch: false })
    : Response.json({ id: RUN_ID, status: req.body.status ?? "running" });
const refused = () => new TypeError("fetch failed");

describe("run delivery under injected failures", () => {
  it("retries 503s and refused connections with the same batch id, then delivers each batch", async () => {
    const { run, sent, events } = harness((req, attempt) => {
      if (attempt === 1) return Response.json({ error: { code: "UNAVAILABLE", message: "busy" } }, { status: 503 });
      if (attempt === 2) return refused();
      return ok(req);
    });
    await run.start([]);
    for (let step = 0; step < 2500; step++) run.log({ a: step, b: -step }, { step });
    const result = await run.finish({ timeoutMs: 10_000 });
    expect(result.delivered).toBe(true);

    const batches = sent.filter((s) => s.body.batchId !== undefined);
    const byId = new Map<string, Sent[]>();
    for (const b of batches) byId.set(b.body.batchId as string, [...(byId.get(b.body.batchId as string) ?? []), b]);
    for (const copies of byId.values()) {
      expect(copies).toHaveLength(3);
      // A retry resends exactly the same batch.
      expect(new Set(copies.map((c) => JSON.stringify(c.body))).size).toBe(1);
    }
    const steps = [...byId.values()].flatMap((c) => c[0]?.body.points?.filter((p) => p.key === "a").map((p) => p.step));
    expect(steps.sort((x, y) => (x as number) - (y as number))).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(run.stats().ackedPoints).toBe(5000);
    expect(events.map((e) => e.type)).toContain("offline");
    expect(events.map((e) => e.type)).toContain("online");
  });

  it("does not retry a 400, reports it through onError and never throws into log", async () => {
    const { run, sent, events } = harness((req) =>
      req.path.endsWith("/metrics")
        ? Response.json({ error: { code: "INVALID_ARGUMENT", message: "bad batch" } }, { status: 400 })
        : ok(req),
    );
    await run.start([]);
    expect(() => run.log({ a: 1 })).not.toThrow();
    const result = await run.finish({ timeoutMs: 5000 });
    expect(sent.filter((s) => s.body.batchId !== undefined)).toHaveLength(1);
    expect(events.find((e) => e.type === "dropped")?.message).toContain("bad batch");
    expect(result.status).toBe("finished");
  });

  it("retries 408 and 429 but not 404", async () => {
    const statuses = [408, 429];
    const { run, sent } = harness((req, attempt) => {
      if (!req.path.endsWith("/metrics")) return ok(req);
      const status = statuses[attempt - 1];
      if (status !== undefined) return Response.json({ error: { code: "UNAVAILABLE", message: "x" } }, { status });
      return ok(req);
    });
    await run.start([]);
    run.log({ a: 1 });
    await run.finish({ timeoutMs: 5000 });
    expect(sent.filter((s) => s.body.batchId !== undefined)).toHaveLength(3);
  });

  it("splits a batch the server finds too large (413) until it fits", async () => {
    const { run, sent } = harness(
      (req) => {
        if ((req.body.points?.length ?? 0) > 300) {
          return Response.json({ error: { code: "PAYLOAD_TOO_LARGE", message: "too big" } }, { status: 413 });
        }
        return ok(req);
      },
      { batchSize: 1000, maxBatchPoints: 1000 },
    );
    await run.start([]);
    for (let step = 0; step < 1000; step++) run.log({ a: step }, { step });
    expect((await run.finish({ timeoutMs: 5000 })).delivered).toBe(true);
    const accepted = sent.filter((s) => (s.body.points?.length ?? 0) > 0 && (s.body.points?.length ?? 0) <= 300);
    const steps = accepted.flatMap((s) => s.body.points?.map((p) => p.step) ?? []);
    expect(steps.sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(new Set(accepted.map((s) => s.body.batchId)).size).toBe(accepted.length);
    expect(run.stats().ackedPoints).toBe(1000);
  });

  it("sends updates in order, after the points logged before them, and the final status last", async () => {
    const { run, sent } = harness((req) => ok(req));
    await run.start([]);
    run.log({ a: 1 });
    run.setTags(["baseline"]);
    run.log({ a: 2 });
    run.updateConfig({ lr: 0.1 });
    run.setNotes("n");
    await run.finish({ timeoutMs: 5000 });
    const order = sent.map((s) =>
      s.body.batchId !== undefined ? `points:${s.body.points?.[0]?.value}` : JSON.stringify(s.body),
    );
    expect(order[0]).toBe("points:1");
    expect(order[1]).toBe('{"tags":["baseline"]}');
    expect(order[2]).toBe("points:2");
    expect(order[3]).toBe('{"config":{"lr":0.1}}');
    expect(order[4]).toBe('{"notes":"n"}');
    expect(order[5]).toMatch(/^\{"status":"finished","endedAt":\d+\}$/);
  });

  it("keeps sending in the background while the caller's loop runs (not only at finish)", async () => {
    const { run, sent } = harness((req) => ok(req), { flushIntervalMs: 20 });
    await run.start([]);
    for (let i = 0; i < 50; i++) {
      run.log({ a: i });
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(sent.length).toBeGreaterThan(3);
    expect(run.stats().ackedPoints).toBeGreaterThan(40);
    await run.finish();
  });

  it("skips invalid keys and values with one report each, and ignores log after finish", async () => {
    const { run, events } = harness((req) => ok(req));
    await run.start([]);
    run.log({ "": 1, ok: 2, bad: "x" as unknown as number });
    run.log({ "": 1 });
    run.log({ a: 1 }, { step: Number.NaN });
    await run.finish();
    run.log({ a: 1 });
    run.setNotes("late");
    expect(run.stats().loggedPoints).toBe(1);
    expect(run.stats().invalidValues).toBe(4);
    expect(events.filter((e) => e.type === "invalid-metric")).toHaveLength(3);
    expect(events.filter((e) => e.type === "run-closed")).toHaveLength(2);
  });

  it("without a spool, keeps at most maxPendingPoints in memory and reports what it drops", async () => {
    const { run, events } = harness(() => refused(), {
      maxPendingPoints: 2000,
      maxBatchPoints: 500,
      batchSize: 500,
      maxInFlight: 1,
    });
    await run.start([]);
    for (let step = 0; step < 10_000; step++) {
      run.log({ a: step, b: step }, { step });
      if (step % 100 === 0) await new Promise((r) => setImmediate(r));
      expect(run.stats().pendingPoints).toBeLessThanOrEqual(2000);
    }
    const stats = run.stats();
    expect(stats.peakPendingPoints).toBeLessThanOrEqual(2000);
    expect(stats.droppedPoints).toBe(20_000 - stats.pendingPoints);
    expect(events.some((e) => e.type === "dropped")).toBe(true);
    const result = await run.finish({ timeoutMs: 50 });
    expect(result.delivered).toBe(false);
  });
});
