import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { FetchLike } from "./client.js";
import { NodeLooplab as Looplab } from "./node/node-looplab.js";
import { exactlyOnceReport } from "./testing/series-reader.js";

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("heartbeats against a real server", () => {
  it("keeps a quiet run alive, and a run marked crashed during a network partition resumes and finishes", async () => {
    const server = await startTestServer({ heartbeatTimeout: "1s" });
    servers.push(server);
    // The partition is injected at the network edge: requests fail before reaching the server.
    let partitioned = false;
    const fetchThroughPartition: FetchLike = (url, init) =>
      partitioned ? Promise.reject(new TypeError("fetch failed: network unreachable")) : fetch(url, init);
    const ll = new Looplab({
      url: server.url,
      fetch: fetchThroughPartition,
      spoolDir: mkdtempSync(join(tmpdir(), "looplab-spool-")),
      exitHooks: false,
      replayOnInit: false,
      heartbeatIntervalMs: 200,
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
      onError: () => {},
    });
    const run = await ll.init({ project: "heartbeat" });

    // Quiet for 2.5 heartbeat timeouts: the heartbeat alone keeps it running.
    await sleep(2500);
    expect((await ll.getRun(run.id)).status).toBe("running");

    partitioned = true;
    for (let step = 0; step < 100; step++) {
      run.log({ x: step }, { step });
      await sleep(25);
    }
    const seen = (await fetch(`${server.url}/api/v1/runs/${run.id}`).then((r) => r.json())) as { status: string };
    expect(seen.status).toBe("crashed");
    partitioned = false;
    for (let step = 100; step < 200; step++) {
      run.log({ x: step }, { step });
      await sleep(5);
    }
    await run.flush(10_000);
    await sleep(300);
    expect((await ll.getRun(run.id)).status).toBe("running");
    expect((await run.finish()).delivered).toBe(true);
    expect((await ll.getRun(run.id)).status).toBe("finished");
    expect(await exactlyOnceReport(ll.client, run.id, "x", 200)).toEqual({ count: 200, missing: [], duplicated: [] });
  });

  it("a run killed on the server stays killed; the SDK exposes it and still stores the points", async () => {
    const server = await startTestServer();
    servers.push(server);
    const ll = new Looplab({
      url: server.url,
      spoolDir: mkdtempSync(join(tmpdir(), "looplab-spool-")),
      exitHooks: false,
      replayOnInit: false,
      heartbeatIntervalMs: 100,
      onError: () => {},
    });
    const run = await ll.init({ project: "heartbeat-killed" });
    await ll.client.updateRun(run.id, { status: "killed" });
    await sleep(400);
    expect(run.remoteStatus).toBe("killed");
    run.log({ x: 1 }, { step: 0 });
    const result = await run.finish();
    expect(result).toMatchObject({ status: "killed", delivered: true });
    expect((await ll.getRun(run.id)).status).toBe("killed");
    expect((await ll.client.listSeries(run.id)).series[0]?.count).toBe(1);
  });
});
