import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProjectEvent } from "@looplab/core";
import { freePort, type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type FetchLike } from "./client.js";
import { isApiError } from "./client-errors.js";
import { subscribeProjectEvents } from "./project-events.js";

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("subscribeProjectEvents against a real server", () => {
  let server: RunningServer;
  let dbUrl: string;
  let port: number;

  beforeAll(async () => {
    dbUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), "looplab-events-")), "db.sqlite")}`;
    port = await freePort();
    server = await startTestServer({ dbUrl, port });
    await createClient({ url: server.url }).call("createProject", { body: { name: "live" } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("delivers run and metric events parsed from the fetch body stream", async () => {
    const client = createClient({ url: server.url });
    const events: ProjectEvent[] = [];
    const sub = subscribeProjectEvents(client, "live", { onEvent: (e) => events.push(e) });
    await until(() => events.some((e) => e.type === "ready"));
    const run = await client.createRun({ project: "live", name: "sdk-run" });
    await client.logMetrics(run.id, { points: [{ key: "acc", step: 3, value: 0.5 }] });
    await until(() => events.some((e) => e.type === "metrics"));
    const created = events.find((e) => e.type === "run");
    expect(created?.data).toMatchObject({ runId: run.id, name: "sdk-run", reason: "created" });
    const metrics = events.find((e) => e.type === "metrics");
    expect(metrics?.data).toMatchObject({ runId: run.id, keys: [{ key: "acc", lastStep: 3, last: 0.5, count: 1 }] });
    expect(sub.lastEventId).toBe(metrics?.id);
    sub.close();
    await sub.done;
  });

  it("filters by run ids and accepts a base URL with fetch instead of a client", async () => {
    const client = createClient({ url: server.url });
    const a = await client.createRun({ project: "live", name: "a" });
    const events: ProjectEvent[] = [];
    const controller = new AbortController();
    const sub = subscribeProjectEvents({ url: server.url, fetch: (u, i) => fetch(u, i) }, "live", {
      runIds: [a.id],
      onEvent: (e) => events.push(e),
      signal: controller.signal,
    });
    await until(() => events.some((e) => e.type === "ready"));
    await client.createRun({ project: "live", name: "b" });
    await client.updateRun(a.id, { name: "a-renamed" });
    await until(() => events.some((e) => e.type === "run"));
    expect(events.filter((e) => e.type === "run").map((e) => (e.data as { name: string }).name)).toEqual(["a-renamed"]);
    controller.abort();
    await sub.done;
  });

  it("reconnects after the server restarts, with Last-Event-ID, and reports the reset", async () => {
    const events: ProjectEvent[] = [];
    const errors: unknown[] = [];
    const sub = subscribeProjectEvents({ url: server.url }, "live", {
      onEvent: (e) => events.push(e),
      onError: (e) => errors.push(e),
      minRetryMs: 50,
      maxRetryMs: 200,
    });
    await until(() => events.some((e) => e.type === "ready"));
    const client = createClient({ url: server.url });
    await client.createRun({ project: "live", name: "before" });
    await until(() => events.some((e) => e.type === "run"));
    const before = sub.lastEventId;
    await server.close();
    server = await startTestServer({ dbUrl, port });
    // The new server's ids start after the old ones, so the old id cannot be resumed: reset.
    await until(() => events.some((e) => e.type === "reset"), 10_000);
    expect(errors.length).toBeGreaterThan(0);
    const reset = events.find((e) => e.type === "reset");
    expect(reset?.data).toEqual({ reason: "server-restart" });
    expect(Number(reset?.id)).toBeGreaterThan(Number(before));
    await client.createRun({ project: "live", name: "after" });
    await until(() => events.some((e) => e.type === "run" && (e.data as { name: string }).name === "after"));
    sub.close();
    await sub.done;
  });

  it("resumes from the ready event's lastEventId when the connection drops before any other event", async () => {
    const client = createClient({ url: server.url });
    const sent: (string | undefined)[] = [];
    const cuts: AbortController[] = [];
    // Node's fetch, with a way to cut the connection as a network failure would.
    const cuttable: FetchLike = (url, init) => {
      sent.push((init.headers as Record<string, string>)["last-event-id"]);
      const cut = new AbortController();
      cuts.push(cut);
      const signal = init.signal ? AbortSignal.any([init.signal, cut.signal]) : cut.signal;
      return fetch(url, { ...init, signal });
    };
    const events: ProjectEvent[] = [];
    const sub = subscribeProjectEvents({ url: server.url, fetch: cuttable }, "live", {
      onEvent: (e) => events.push(e),
      minRetryMs: 300,
      maxRetryMs: 300,
    });
    await until(() => events.some((e) => e.type === "ready"));
    const ready = events.find((e) => e.type === "ready");
    if (ready?.type !== "ready") throw new Error("no ready event");
    const newest = ready.data.lastEventId;
    expect(sub.lastEventId).toBe(newest);
    cuts[0]?.abort();
    // Created while the client is disconnected: only a resume can deliver it.
    await client.createRun({ project: "live", name: "while-away" });
    await until(() => events.filter((e) => e.type === "ready").length === 2, 10_000);
    expect(sent).toEqual([undefined, newest]);
    const names = events.filter((e) => e.type === "run").map((e) => (e.data as { name: string }).name);
    expect(names).toEqual(["while-away"]);
    expect(events.findLast((e) => e.type === "ready")?.data).toMatchObject({ resumed: true });
    sub.close();
    await sub.done;
  });

  it("stops on abort and cancels the body even when fetch ignores the signal", async () => {
    let releaseResponse = () => {};
    const gate = new Promise<void>((resolve) => {
      releaseResponse = resolve;
    });
    let cancelled = 0;
    let connections = 0;
    // Drops the signal (as some fetch polyfills do) and answers late on the first connection.
    const deaf: FetchLike = async (url, init) => {
      const { signal: _ignored, ...rest } = init;
      const response = await fetch(url, rest);
      if (++connections === 1) await gate;
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(stream) {
          const { done, value } = await reader.read();
          if (done) stream.close();
          else stream.enqueue(value);
        },
        cancel(reason) {
          cancelled++;
          return reader.cancel(reason);
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const settled = (done: Promise<void>) =>
      Promise.race([done.then(() => "done"), new Promise((r) => setTimeout(() => r("still running"), 3_000))]);

    // Aborted while connecting: the late response must not be read.
    const early = new AbortController();
    const events: ProjectEvent[] = [];
    const first = subscribeProjectEvents({ url: server.url, fetch: deaf }, "live", {
      onEvent: (e) => events.push(e),
      signal: early.signal,
    });
    await until(() => connections === 1);
    early.abort();
    releaseResponse();
    expect(await settled(first.done)).toBe("done");
    expect(cancelled).toBe(1);
    expect(events).toEqual([]);

    // Aborted while streaming.
    const late = new AbortController();
    const second = subscribeProjectEvents({ url: server.url, fetch: deaf }, "live", {
      onEvent: (e) => events.push(e),
      signal: late.signal,
    });
    await until(() => events.some((e) => e.type === "ready"));
    late.abort();
    expect(await settled(second.done)).toBe("done");
    expect(cancelled).toBe(2);
  });

  it("stops with a final error for a missing project", async () => {
    const errors: { error: unknown; retry: boolean }[] = [];
    const sub = subscribeProjectEvents({ url: server.url }, "nope", {
      onEvent: () => {},
      onError: (error, retry) => errors.push({ error, retry }),
    });
    await sub.done;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.retry).toBe(false);
    expect(isApiError(errors[0]?.error) && errors[0].error.code).toBe("NOT_FOUND");
  });
});
