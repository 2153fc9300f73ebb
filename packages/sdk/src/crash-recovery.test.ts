import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type ServerProcess, spawnServerProcess, startTestServer } from "@looplab/server/testing";
import { afterEach, describe, expect, it } from "vitest";
import { NodeLooplab as Looplab } from "./node/node-looplab.js";
import { startSdkProcess } from "./testing/sdk-process.js";
import { exactlyOnceReport } from "./testing/series-reader.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

async function serverProcess(dbUrl: string, port?: number): Promise<ServerProcess> {
  const s = await spawnServerProcess({ dbUrl, ...(port === undefined ? {} : { port }) });
  cleanups.push(() => s.kill("SIGKILL"));
  return s;
}

function recordsIn(spoolDir: string): number {
  if (!existsSync(spoolDir)) return 0;
  let n = 0;
  for (const run of readdirSync(spoolDir)) {
    n += readdirSync(join(spoolDir, run)).filter((f) => f.endsWith(".json")).length;
  }
  return n;
}

function client(url: string, spoolDir: string): Looplab {
  return new Looplab({ url, spoolDir, exitHooks: false, replayOnInit: false, onError: () => {} });
}

describe("crash recovery", () => {
  it("every point arrives exactly once when the server process is SIGKILLed mid-ingest", async () => {
    const dbUrl = `sqlite:${join(tempDir("looplab-db-"), "looplab.db")}`;
    let s = await serverProcess(dbUrl);
    const port = s.port;
    const spoolDir = tempDir("looplab-spool-");
    const ll = new Looplab({
      url: s.url,
      spoolDir,
      exitHooks: false,
      replayOnInit: false,
      retry: { baseDelayMs: 20, maxDelayMs: 300 },
      onError: () => {},
    });
    const run = await ll.init({ project: "sigkill" });
    const n = 60_000;
    for (let step = 0; step < n; step++) {
      run.log({ x: step }, { step });
      if (step % 500 === 0) await new Promise((r) => setTimeout(r, 2));
      if (step === 20_000) {
        // Kill while batches are in flight: some may be committed with their answer lost.
        expect(run.stats().inFlightRecords + run.stats().pendingRecords).toBeGreaterThan(0);
        await s.kill("SIGKILL");
      }
      if (step === 40_000) s = await serverProcess(dbUrl, port);
    }
    const result = await run.finish({ timeoutMs: 60_000 });
    expect(result.delivered).toBe(true);
    expect(await exactlyOnceReport(ll.client, run.id, "x", n)).toEqual({ count: n, missing: [], duplicated: [] });
    expect(recordsIn(spoolDir)).toBe(0);
  });

  it("a spool written by one SDK process is replayed exactly once by the next", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const spoolDir = tempDir("looplab-spool-");
    const n = 5000;
    // The server is down for the whole life of the first process: everything goes to its spool.
    const writer = startSdkProcess({
      LOOPLAB_URL: url,
      LOOPLAB_SPOOL_DIR: spoolDir,
      FIXTURE_POINTS: String(n),
      FIXTURE_INIT_TIMEOUT_MS: "200",
      FIXTURE_FINISH_TIMEOUT_MS: "300",
    });
    const runId = await writer.runId;
    const exit = await writer.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('"delivered":false');
    expect(recordsIn(spoolDir)).toBeGreaterThan(1);

    const s = await startTestServer({ port });
    cleanups.push(() => s.close());
    const ll = client(url, spoolDir);
    const replay = await ll.replaySpool({ timeoutMs: 30_000 });
    expect(replay).toMatchObject({ runs: 1, remaining: 0 });
    expect(recordsIn(spoolDir)).toBe(0);
    const record = await ll.getRun(runId);
    expect(record).toMatchObject({ project: "fixture", status: "finished" });
    expect(await exactlyOnceReport(ll.client, runId, "x", n)).toEqual({ count: n, missing: [], duplicated: [] });
    // A second replay finds nothing to do.
    expect(await ll.replaySpool()).toEqual({ runs: 0, delivered: 0, remaining: 0 });
  });

  it("SIGTERM flushes what was logged, marks the run killed and still ends the process by the signal", async () => {
    const dbUrl = `sqlite:${join(tempDir("looplab-db-"), "looplab.db")}`;
    const s = await serverProcess(dbUrl);
    const spoolDir = tempDir("looplab-spool-");
    const sdk = startSdkProcess({
      LOOPLAB_URL: s.url,
      LOOPLAB_SPOOL_DIR: spoolDir,
      FIXTURE_POINTS: "2000",
      FIXTURE_MODE: "wait",
    });
    const runId = await sdk.runId;
    await sdk.waitFor(/waiting/);
    sdk.child.kill("SIGTERM");
    const exit = await sdk.exited;
    expect(exit.signal).toBe("SIGTERM");
    const ll = client(s.url, spoolDir);
    expect(await exactlyOnceReport(ll.client, runId, "x", 2000)).toEqual({ count: 2000, missing: [], duplicated: [] });
    expect((await ll.getRun(runId)).status).toBe("killed");
    expect(recordsIn(spoolDir)).toBe(0);
  });

  it("SIGINT with the server down spools synchronously; the next process delivers every point", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const spoolDir = tempDir("looplab-spool-");
    const sdk = startSdkProcess({
      LOOPLAB_URL: url,
      LOOPLAB_SPOOL_DIR: spoolDir,
      FIXTURE_POINTS: "3000",
      FIXTURE_MODE: "wait",
      FIXTURE_INIT_TIMEOUT_MS: "200",
      FIXTURE_EXIT_FLUSH_MS: "300",
    });
    const runId = await sdk.runId;
    await sdk.waitFor(/waiting/);
    sdk.child.kill("SIGINT");
    const exit = await sdk.exited;
    expect(exit.signal).toBe("SIGINT");
    expect(recordsIn(spoolDir)).toBeGreaterThan(0);

    const s = await startTestServer({ port });
    cleanups.push(() => s.close());
    const ll = client(url, spoolDir);
    expect((await ll.replaySpool({ timeoutMs: 30_000 })).remaining).toBe(0);
    expect(await exactlyOnceReport(ll.client, runId, "x", 3000)).toEqual({ count: 3000, missing: [], duplicated: [] });
    expect((await ll.getRun(runId)).status).toBe("killed");
  });

  it("a script that ends without finish() is finished on beforeExit with every point delivered", async () => {
    const s = await serverProcess(`sqlite:${join(tempDir("looplab-db-"), "looplab.db")}`);
    const spoolDir = tempDir("looplab-spool-");
    const sdk = startSdkProcess({
      LOOPLAB_URL: s.url,
      LOOPLAB_SPOOL_DIR: spoolDir,
      FIXTURE_POINTS: "3000",
      FIXTURE_MODE: "end",
    });
    const runId = await sdk.runId;
    expect((await sdk.exited).code).toBe(0);
    const ll = client(s.url, spoolDir);
    expect(await exactlyOnceReport(ll.client, runId, "x", 3000)).toEqual({ count: 3000, missing: [], duplicated: [] });
    expect((await ll.getRun(runId)).status).toBe("finished");
    expect(recordsIn(spoolDir)).toBe(0);
  });

  it("an uncaught exception spools what is pending with status failed; the next process delivers it", async () => {
    const s = await serverProcess(`sqlite:${join(tempDir("looplab-db-"), "looplab.db")}`);
    const spoolDir = tempDir("looplab-spool-");
    const sdk = startSdkProcess({
      LOOPLAB_URL: s.url,
      LOOPLAB_SPOOL_DIR: spoolDir,
      FIXTURE_POINTS: "3000",
      FIXTURE_MODE: "throw",
    });
    const runId = await sdk.runId;
    const exit = await sdk.exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain("training diverged");
    expect(recordsIn(spoolDir)).toBeGreaterThan(0);
    const ll = client(s.url, spoolDir);
    expect((await ll.replaySpool({ timeoutMs: 30_000 })).remaining).toBe(0);
    expect(await exactlyOnceReport(ll.client, runId, "x", 3000)).toEqual({ count: 3000, missing: [], duplicated: [] });
    expect((await ll.getRun(runId)).status).toBe("failed");
  });

  it("the next process's init replays what an earlier one left in the spool, in the background", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const spoolDir = tempDir("looplab-spool-");
    const writer = startSdkProcess({
      LOOPLAB_URL: url,
      LOOPLAB_SPOOL_DIR: spoolDir,
      FIXTURE_POINTS: "2000",
      FIXTURE_INIT_TIMEOUT_MS: "200",
      FIXTURE_FINISH_TIMEOUT_MS: "200",
    });
    const earlier = await writer.runId;
    expect((await writer.exited).code).toBe(0);
    expect(recordsIn(spoolDir)).toBeGreaterThan(0);

    const s = await startTestServer({ port });
    cleanups.push(() => s.close());
    const ll = new Looplab({ url, spoolDir, exitHooks: false, onError: () => {} });
    const run = await ll.init({ project: "next-process" });
    const deadline = Date.now() + 30_000;
    while (recordsIn(spoolDir) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(recordsIn(spoolDir)).toBe(0);
    expect(await exactlyOnceReport(ll.client, earlier, "x", 2000)).toEqual({
      count: 2000,
      missing: [],
      duplicated: [],
    });
    expect((await ll.getRun(earlier)).status).toBe("finished");
    await run.finish();
  });
});
