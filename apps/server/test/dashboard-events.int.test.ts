import { storeFactories } from "@looplab/server/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/http/build-app.js";
import type { Store } from "../src/ports/store.js";
import { systemClock } from "../src/services/clock.js";
import { createServices, type Services } from "../src/services/index.js";
import { apiClient } from "./http-client.js";
import { openSse, type SseTestStream } from "./sse-test-client.js";

/** The live events route over real HTTP, with the bus's ring and timers set small. */
async function startApp(store: Store, events: { ringSize?: number; coalesceMs?: number; pingMs?: number } = {}) {
  const services = createServices(store, systemClock, { events });
  const app = await buildApp(services, { logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { app, services, url: `http://127.0.0.1:${port}` };
}

const until = async (check: () => boolean, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe.each(storeFactories)("project events on $name", (factory) => {
  let store: Store;
  let app: FastifyInstance;
  let services: Services;
  let url: string;
  let api: ReturnType<typeof apiClient>;
  const streams: SseTestStream[] = [];
  const open = async (path: string, headers?: Record<string, string>) => {
    const stream = await openSse(`${url}${path}`, headers);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    store = await factory.open();
    ({ app, services, url } = await startApp(store, { ringSize: 20, coalesceMs: 100, pingMs: 150 }));
    api = apiClient(url);
    await api.post("/api/v1/projects", { name: "live" });
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await app.close();
    await store.close();
  });

  it("streams run events on create, update, status change, delete and restore", async () => {
    const stream = await open("/api/v1/projects/live/events");
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await stream.waitFor((m) => m.event === "ready");
    const run = (await api.post("/api/v1/runs", { project: "live", name: "r1", tags: ["a"], group: "g" })).body;
    const created = await stream.waitFor((m) => m.event === "run" && m.data.reason === "created");
    expect(created.data).toMatchObject({
      runId: run.id,
      project: "live",
      status: "running",
      name: "r1",
      tags: { a: "" },
      group: "g",
    });
    await api.patch(`/api/v1/runs/${run.id}`, { name: "renamed" });
    await stream.waitFor((m) => m.event === "run" && m.data.reason === "updated" && m.data.name === "renamed");
    await api.patch(`/api/v1/runs/${run.id}`, { status: "finished" });
    const status = await stream.waitFor((m) => m.event === "run" && m.data.reason === "status");
    expect(status.data.status).toBe("finished");
    expect(status.data.endedAt).not.toBeNull();
    await api.del(`/api/v1/runs/${run.id}`);
    const deleted = await stream.waitFor((m) => m.data?.reason === "deleted");
    expect(deleted.data.deletedAt).not.toBeNull();
    await api.post(`/api/v1/runs/${run.id}/restore`);
    await stream.waitFor((m) => m.data?.reason === "restored");
    const ids = stream.messages.filter((m) => m.id !== undefined).map((m) => Number(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    stream.close();
  });

  it("coalesces metric batches per run and reports the latest summaries", async () => {
    const run = (await api.post("/api/v1/runs", { project: "live" })).body;
    const stream = await open(`/api/v1/projects/live/events?runIds=${run.id}`);
    await stream.waitFor((m) => m.event === "ready");
    for (let step = 0; step < 30; step++) {
      await api.post(`/api/v1/runs/${run.id}/metrics`, { points: [{ key: "loss", step, value: 1 / (step + 1) }] });
    }
    const last = await stream.waitFor((m) => m.event === "metrics" && m.data.keys[0]?.count === 30);
    expect(last.data.keys).toEqual([{ key: "loss", lastStep: 29, last: 1 / 30, count: 30 }]);
    const metricEvents = stream.messages.filter((m) => m.event === "metrics");
    expect(metricEvents.length).toBeLessThan(30);
    stream.close();
  });

  it("sends only the events of the runs asked for", async () => {
    const a = (await api.post("/api/v1/runs", { project: "live", name: "a" })).body;
    const stream = await open(`/api/v1/projects/live/events?runIds=${a.id}`);
    await stream.waitFor((m) => m.event === "ready");
    await api.post("/api/v1/runs", { project: "live", name: "b" });
    await api.patch(`/api/v1/runs/${a.id}`, { name: "a2" });
    await stream.waitFor((m) => m.data?.name === "a2");
    expect(stream.messages.filter((m) => m.event === "run").map((m) => m.data.name)).toEqual(["a2"]);
    stream.close();
  });

  it("resumes after Last-Event-ID and resets when the gap is too old or the id unknown", async () => {
    const first = await open("/api/v1/projects/live/events");
    const ready = await first.waitFor((m) => m.event === "ready");
    first.close();
    const missed = (await api.post("/api/v1/runs", { project: "live", name: "missed" })).body;
    await services.events.settle();
    const resumed = await open("/api/v1/projects/live/events", { "last-event-id": ready.data.lastEventId });
    const event = await resumed.waitFor((m) => m.event === "run");
    expect(event.data).toMatchObject({ runId: missed.id, reason: "created" });
    expect((await resumed.waitFor((m) => m.event === "ready")).data.resumed).toBe(true);
    resumed.close();

    // More than ringSize (20) events later the old id can no longer be resumed from.
    for (let i = 0; i < 25; i++) await api.post("/api/v1/runs", { project: "live" });
    await services.events.settle();
    const late = await open("/api/v1/projects/live/events", { "last-event-id": ready.data.lastEventId });
    const reset = await late.waitFor((m) => m.event === "reset");
    expect(reset.data).toEqual({ reason: "gap" });
    expect(Number(reset.id)).toBe(services.events.lastId());
    late.close();

    const foreign = await open("/api/v1/projects/live/events", { "last-event-id": "12" });
    expect((await foreign.waitFor((m) => m.event === "reset")).data).toEqual({ reason: "server-restart" });
    foreign.close();
  });

  it("publishes crashed runs and keeps the stream alive with pings", async () => {
    const stream = await open("/api/v1/projects/live/events");
    const run = (await api.post("/api/v1/runs", { project: "live" })).body;
    await new Promise((r) => setTimeout(r, 5));
    await services.runs.detectCrashed(0);
    const crashed = await stream.waitFor((m) => m.data?.reason === "crashed" && m.data.runId === run.id);
    expect(crashed.data.status).toBe("crashed");
    await stream.waitFor((m) => m.comment === "ping", 2_000);
    stream.close();
  });

  it("removes listeners when clients disconnect", async () => {
    for (const s of streams) s.close();
    await until(() => services.events.listenerCount() === 0);
    const a = await open("/api/v1/projects/live/events");
    const b = await open(`/api/v1/projects/live/events?runIds=${"0".repeat(32)}`);
    await a.waitFor((m) => m.event === "ready");
    await b.waitFor((m) => m.event === "ready");
    expect(services.events.listenerCount()).toBe(2);
    a.close();
    b.close();
    await until(() => services.events.listenerCount() === 0);
  });

  it("answers 404 for an unknown project and 400 for bad run ids", async () => {
    expect((await api.get("/api/v1/projects/nope/events")).status).toBe(404);
    const bad = await api.get("/api/v1/projects/live/events?runIds=xyz");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_ARGUMENT");
  });

  it("ends open streams when the server closes, so close() does not hang", async () => {
    const local = await startApp(await factory.open());
    const stream = await openSse(`${local.url}/api/v1/projects/live/events`).catch(() => null);
    // The project does not exist in this fresh store: create it and reconnect.
    stream?.close();
    await apiClient(local.url).post("/api/v1/projects", { name: "live" });
    const live = await openSse(`${local.url}/api/v1/projects/live/events`);
    await live.waitFor((m) => m.event === "ready");
    const started = Date.now();
    await local.app.close();
    await live.ended;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(local.services.events.listenerCount()).toBe(0);
    await local.services.store.close();
  });
});
