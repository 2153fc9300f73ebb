import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { FetchLike } from "./client.js";
import { NodeLooplab as Looplab, type NodeLooplabOptions } from "./node/node-looplab.js";
import { exactlyOnceReport } from "./testing/series-reader.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close().catch(() => {});
});

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

async function server(options: { dbUrl?: string; port?: number } = {}): Promise<RunningServer> {
  const s = await startTestServer(options);
  servers.push(s);
  return s;
}

function looplab(url: string, spoolDir: string, options: NodeLooplabOptions = {}): Looplab {
  return new Looplab({
    url,
    spoolDir,
    exitHooks: false,
    replayOnInit: false,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    onError: () => {},
    ...options,
  });
}

function spoolFiles(dir: string): string[] {
  const out: string[] = [];
  for (const runDir of readdirSync(dir)) {
    for (const f of readdirSync(join(dir, runDir), { withFileTypes: true })) if (f.isFile()) out.push(f.name);
  }
  return out;
}

const tick = () => new Promise((r) => setTimeout(r, 2));

describe("delivery guarantees against a real server", () => {
  it("delivers every point exactly once when the server stops mid-run and comes back", async () => {
    const dbUrl = `sqlite:${join(tempDir("looplab-db-"), "looplab.db")}`;
    let s = await server({ dbUrl });
    const port = s.port;
    const spoolDir = tempDir("looplab-spool-");
    const ll = looplab(s.url, spoolDir);
    const run = await ll.init({ project: "restart" });
    const n = 30_000;
    for (let step = 0; step < n; step++) {
      run.log({ x: step, y: -step }, { step });
      if (step % 500 === 0) await tick();
      if (step === 10_000) await s.close();
      if (step === 20_000) {
        expect(run.stats().offline).toBe(true);
        expect(spoolFiles(spoolDir).length).toBeGreaterThan(0);
        s = await server({ dbUrl, port });
      }
    }
    const result = await run.finish({ timeoutMs: 60_000 });
    expect(result).toMatchObject({ delivered: true, pendingRecords: 0, droppedPoints: 0 });
    for (const key of ["x", "y"]) {
      expect(await exactlyOnceReport(ll.client, run.id, key, n)).toEqual({ count: n, missing: [], duplicated: [] });
    }
    expect(spoolFiles(spoolDir)).toEqual([]);
    expect((await ll.getRun(run.id)).status).toBe("finished");
  });

  it("a batch whose response was lost is resent with its id and stored once", async () => {
    const s = await server();
    const lost = new Set<string>();
    let duplicates = 0;
    // The request reaches the real server and is stored; the caller then sees a network error.
    const losingFetch: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      const batchId = typeof init.body === "string" ? /"batchId":"([^"]+)"/.exec(init.body)?.[1] : undefined;
      if (batchId === undefined) return response;
      if (!lost.has(batchId)) {
        lost.add(batchId);
        await response.arrayBuffer();
        throw new TypeError("fetch failed: connection reset");
      }
      const body = (await response.clone().json()) as { duplicateBatch?: boolean };
      if (body.duplicateBatch) duplicates++;
      return response;
    };
    const ll = looplab(s.url, tempDir("looplab-spool-"), { fetch: losingFetch });
    const run = await ll.init({ project: "lost-responses" });
    const n = 5000;
    for (let step = 0; step < n; step++) {
      // Distinct times per attempt would defeat the server's exact-duplicate filter: only batch ids protect here.
      run.log({ x: step }, { step, time: 1_700_000_000_000 + step });
      if (step % 250 === 0) await tick();
    }
    expect((await run.finish({ timeoutMs: 30_000 })).delivered).toBe(true);
    expect(lost.size).toBeGreaterThan(1);
    expect(duplicates).toBe(lost.size);
    expect(await exactlyOnceReport(ll.client, run.id, "x", n)).toEqual({ count: n, missing: [], duplicated: [] });
  });

  it("keeps pending points under the cap, spooling the rest, and still delivers all of them once", async () => {
    const dbUrl = `sqlite:${join(tempDir("looplab-db-"), "looplab.db")}`;
    const first = await server({ dbUrl });
    const port = first.port;
    const spoolDir = tempDir("looplab-spool-");
    const cap = 20_000;
    const ll = looplab(first.url, spoolDir, { maxPendingPoints: cap, maxBatchPoints: 2000, batchSize: 1000 });
    const run = await ll.init({ project: "bounded" });
    await first.close();
    const n = 100_000;
    let peak = 0;
    for (let step = 0; step < n; step++) {
      run.log({ x: step, y: step }, { step });
      if (step % 1000 === 0) {
        peak = Math.max(peak, run.stats().pendingPoints);
        await tick();
      }
    }
    // Also without yielding at all: the cap holds synchronously.
    for (let step = n; step < 2 * n; step++) run.log({ x: step, y: step }, { step });
    const stats = run.stats();
    expect(Math.max(peak, stats.peakPendingPoints)).toBeLessThanOrEqual(cap);
    expect(stats.droppedPoints).toBe(0);
    expect(spoolFiles(spoolDir).length).toBeGreaterThan(10);
    await server({ dbUrl, port });
    expect((await run.finish({ timeoutMs: 120_000 })).delivered).toBe(true);
    expect(await exactlyOnceReport(ll.client, run.id, "x", 2 * n)).toEqual({
      count: 2 * n,
      missing: [],
      duplicated: [],
    });
    expect(spoolFiles(spoolDir)).toEqual([]);
  });

  it("sends while the loop runs: ≥90% of points are acknowledged when a yielding loop ends", async () => {
    const s = await server();
    const ll = looplab(s.url, tempDir("looplab-spool-"));
    const run = await ll.init({ project: "live" });
    // 20 000 steps of ~50 µs "training" each, two metrics per step, a yield every ~5 ms.
    let sliceEnd = performance.now() + 5;
    for (let step = 0; step < 20_000; step++) {
      run.log({ "train/loss": 1 / (step + 1), "train/acc": step % 100 }, { step });
      const spin = performance.now() + 0.05;
      while (performance.now() < spin) {}
      if (performance.now() >= sliceEnd) {
        await new Promise((r) => setImmediate(r));
        sliceEnd = performance.now() + 5;
      }
    }
    const atEnd = run.stats();
    const logged = atEnd.loggedPoints;
    expect(logged).toBe(40_000);
    expect(atEnd.ackedPoints / logged).toBeGreaterThanOrEqual(0.9);
    const stored = (await ll.client.listSeries(run.id)).series.reduce((sum, x) => sum + x.count, 0);
    expect(stored / logged).toBeGreaterThanOrEqual(0.9);
    await run.finish();
  });
});
