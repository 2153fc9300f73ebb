import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./http-client.js";

describe.each(storeFactories)("runs API on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    server = await startTestServer({ store: factory, heartbeatTimeout: "400ms" });
    api = apiClient(server.url);
  });
  afterAll(() => server.close());

  it("answers health with the store kind", async () => {
    const res = await api.get("/api/v1/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", store: factory.name });
  });

  it("creates a run, and with it the missing project", async () => {
    const res = await api.post("/api/v1/runs", {
      project: "digits",
      name: "mlp",
      config: { model: { width: 256 }, lr: 3e-3 },
      tags: ["baseline"],
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body).toMatchObject({ project: "digits", status: "running", tags: { baseline: "" } });
    expect(res.body.config).toEqual({ model: { width: 256 }, lr: 3e-3 });
    const project = await api.get("/api/v1/projects/digits");
    expect(project.status).toBe(200);
    expect(project.body.runCount).toBeGreaterThanOrEqual(1);
  });

  it("is idempotent for a client-chosen id", async () => {
    const id = "ab".repeat(16);
    const first = await api.post("/api/v1/runs", { project: "digits", id, name: "once" });
    const second = await api.post("/api/v1/runs", { project: "digits", id, name: "once" });
    expect(first.status).toBe(201);
    expect(second.body.id).toBe(id);
    expect(second.body.createdAt).toBe(first.body.createdAt);
  });

  it("follows the run lifecycle and refuses illegal transitions", async () => {
    const run = (await api.post("/api/v1/runs", { project: "digits" })).body;
    const finished = await api.patch(`/api/v1/runs/${run.id}`, { status: "finished" });
    expect(finished.status).toBe(200);
    expect(finished.body.endedAt).not.toBeNull();
    const back = await api.patch(`/api/v1/runs/${run.id}`, { status: "running" });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe("FAILED_PRECONDITION");
    const toFailed = await api.patch(`/api/v1/runs/${run.id}`, { status: "failed" });
    expect(toFailed.status).toBe(409);
    const resumed = await api.patch(`/api/v1/runs/${run.id}`, { status: "running", resume: true });
    expect(resumed.status).toBe(200);
    expect(resumed.body.endedAt).toBeNull();

    const queued = (await api.post("/api/v1/runs", { project: "digits", status: "queued" })).body;
    expect(queued.startedAt).toBeNull();
    expect((await api.patch(`/api/v1/runs/${queued.id}`, { status: "finished" })).status).toBe(409);
    expect((await api.patch(`/api/v1/runs/${queued.id}`, { status: "running" })).status).toBe(200);
    const hbQueued = (await api.post("/api/v1/runs", { project: "digits", status: "queued" })).body;
    expect((await api.post(`/api/v1/runs/${hbQueued.id}/heartbeat`)).status).toBe(409);
  });

  it("marks a run crashed when its heartbeat stops, but never an MLflow run", async () => {
    const sdkRun = (await api.post("/api/v1/runs", { project: "crash" })).body;
    const mlflowRun = (await api.post("/api/v1/runs", { project: "crash", origin: "mlflow" })).body;
    const alive = (await api.post("/api/v1/runs", { project: "crash" })).body;
    const deadline = Date.now() + 5000;
    let status = "running";
    while (Date.now() < deadline && status === "running") {
      await new Promise((r) => setTimeout(r, 100));
      await api.post(`/api/v1/runs/${alive.id}/heartbeat`);
      status = (await api.get(`/api/v1/runs/${sdkRun.id}`)).body.status;
    }
    expect(status).toBe("crashed");
    expect((await api.get(`/api/v1/runs/${mlflowRun.id}`)).body.status).toBe("running");
    expect((await api.get(`/api/v1/runs/${alive.id}`)).body.status).toBe("running");
  });

  it("updates tags, notes, group and keeps config changes as history", async () => {
    const run = (await api.post("/api/v1/runs", { project: "digits", tags: { a: "1", b: "2" }, config: { lr: 0.1 } }))
      .body;
    const res = await api.patch(`/api/v1/runs/${run.id}`, {
      tags: { c: "3" },
      removeTags: ["a"],
      notes: "# hello",
      group: "sweep-1",
      config: { lr: 0.01, "optimizer.name": "adam" },
    });
    expect(res.status).toBe(200);
    expect(res.body.tags).toEqual({ b: "2", c: "3" });
    expect(res.body.config).toEqual({ lr: 0.01, optimizer: { name: "adam" } });
    expect(res.body).toMatchObject({ notes: "# hello", group: "sweep-1" });
    const history = await api.get(`/api/v1/runs/${run.id}/config-history`);
    expect(history.body.changes).toHaveLength(1);
    expect(history.body.changes[0].changes).toEqual(
      expect.arrayContaining([
        { path: "lr", before: 0.1, after: 0.01 },
        { path: "optimizer.name", before: null, after: "adam" },
      ]),
    );
  });

  it("soft-deletes, hides, restores and purges runs", async () => {
    const run = (await api.post("/api/v1/runs", { project: "deletions", name: "doomed" })).body;
    await api.post(`/api/v1/runs/${run.id}/metrics`, { points: [{ key: "m", step: 1, value: 1 }] });
    expect((await api.del(`/api/v1/runs/${run.id}`)).status).toBe(200);
    const hidden = await api.get("/api/v1/projects/deletions/runs");
    expect(hidden.body.runs.map((r: { id: string }) => r.id)).not.toContain(run.id);
    const shown = await api.get("/api/v1/projects/deletions/runs?includeDeleted=true");
    expect(shown.body.runs.map((r: { id: string }) => r.id)).toContain(run.id);
    expect((await api.post(`/api/v1/runs/${run.id}/restore`)).body.deletedAt).toBeNull();
    expect((await api.del(`/api/v1/runs/${run.id}?purge=true`)).status).toBe(200);
    expect((await api.get(`/api/v1/runs/${run.id}`)).status).toBe(404);
  });

  it("soft-deletes and restores projects", async () => {
    await api.post("/api/v1/projects", { name: "temp-project" });
    expect((await api.post("/api/v1/projects", { name: "temp-project" })).status).toBe(409);
    expect((await api.del("/api/v1/projects/temp-project")).status).toBe(200);
    expect((await api.get("/api/v1/projects/temp-project")).status).toBe(404);
    const init = await api.post("/api/v1/runs", { project: "temp-project" });
    expect(init.status).toBe(409);
    expect((await api.post("/api/v1/projects/temp-project/restore")).status).toBe(200);
    expect((await api.get("/api/v1/projects/temp-project")).status).toBe(200);
  });

  it("defines metric goals so that summaries know the best value", async () => {
    const run = (await api.post("/api/v1/runs", { project: "goals" })).body;
    await api.post(`/api/v1/runs/${run.id}/metrics`, {
      points: [
        { key: "loss", step: 0, value: 2 },
        { key: "loss", step: 1, value: 0.5 },
        { key: "loss", step: 2, value: 0.7 },
      ],
    });
    expect((await api.put("/api/v1/projects/goals/metric-definitions/loss", { goal: "min" })).status).toBe(200);
    const got = (await api.get(`/api/v1/runs/${run.id}`)).body;
    expect(got.metrics.loss).toMatchObject({ best: 0.5, last: 0.7, min: 0.5, max: 2 });
    expect((await api.put("/api/v1/projects/goals/metric-definitions/loss", { goal: "up" })).status).toBe(400);
  });
});

describe("attaching to a queued run", () => {
  it("records where the run started", async () => {
    const server = await startTestServer();
    try {
      const api = apiClient(server.url);
      const run = (await api.post("/api/v1/runs", { project: "queue", status: "queued" })).body;
      const git = { commit: "abc123", branch: "main", remote: null, dirty: false, diff: null };
      const res = await api.patch(`/api/v1/runs/${run.id}`, {
        status: "running",
        host: "gpu-7",
        command: "python train.py",
        git,
        environment: { os: "linux" },
        startedAt: 1234,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: "running",
        host: "gpu-7",
        command: "python train.py",
        git,
        startedAt: 1234,
      });
      expect((await api.patch(`/api/v1/runs/${run.id}`, { host: 5 })).status).toBe(400);
    } finally {
      await server.close();
    }
  });
});
