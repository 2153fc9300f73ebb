import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./http-client.js";

type Api = ReturnType<typeof apiClient>;

const sweepYaml = (runs: number, parallel: number, extra = "") => `# a small sweep
name: quad
project: sweep-api
command: python train.py --config \${config_file}
config: { lr: 0.1 }
space:
  x: { uniform: [-2, 2] }
  model.depth: [1, 2, 3]
method: random
objective: { metric: loss, goal: min }
budget: { runs: ${runs}, parallel: ${parallel} }
seed: 3
${extra}`;

/** Plays one agent over HTTP: claims every queued job, reports a loss, finishes it. Returns jobs done. */
async function playAgent(api: Api, agentId: string): Promise<number> {
  let done = 0;
  for (;;) {
    const claimed = await api.post(`/api/v1/agents/${agentId}/claim`, { freeGpus: [], freeCpuSlots: 8 });
    const job = claimed.body.job;
    if (!job) return done;
    expect((await api.post(`/api/v1/jobs/${job.id}/start`, { agentId, host: "h" })).status).toBe(200);
    const loss = ((job.config.x as number) - 0.5) ** 2 + (job.config.model.depth as number);
    const logged = await api.post(`/api/v1/runs/${job.runId}/metrics`, {
      points: [{ key: "loss", step: 1, value: loss }],
    });
    expect(logged.status).toBe(200);
    expect((await api.post(`/api/v1/jobs/${job.id}/finish`, { agentId, outcome: "succeeded" })).status).toBe(200);
    done += 1;
  }
}

async function registerAgent(api: Api): Promise<string> {
  const res = await api.post("/api/v1/agents", { name: "a", host: "h", queues: ["default"], gpus: [], cpuSlots: 8 });
  expect(res.status).toBe(201);
  return res.body.agent.id;
}

/** Plays trials until the sweep is no longer running (the server's controller ticks every second). */
async function playUntilDone(api: Api, agentId: string, sweepId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await playAgent(api, agentId);
    const sweep = await api.get(`/api/v1/sweeps/${sweepId}`);
    if (sweep.body.state !== "running") return sweep.body;
    if (Date.now() > deadline) throw new Error(`sweep still running: ${JSON.stringify(sweep.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(storeFactories)("sweeps API on $name", (factory) => {
  let server: RunningServer;
  let api: Api;

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
    api = apiClient(server.url);
  });
  afterAll(() => server.close());

  it("refuses a bad sweep file with 400 naming the line and the key", async () => {
    const unknown = await api.post("/api/v1/sweeps", { yaml: sweepYaml(4, 2, "budgett: 3\n") });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("INVALID_ARGUMENT");
    expect(unknown.body.error.details).toMatchObject({ line: 13, key: "budgett" });
    expect(unknown.body.error.message).toContain("line 13");

    const grid = await api.post("/api/v1/sweeps", { yaml: sweepYaml(4, 2).replace("method: random", "method: grid") });
    expect(grid.status).toBe(400);
    expect(grid.body.error.details).toMatchObject({ line: 7, key: "space.x" });

    const syntax = await api.post("/api/v1/sweeps", { yaml: "project: p\nspace: { x: [1, 2\n" });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.details.line).toBeGreaterThanOrEqual(2);

    const spec = await api.post("/api/v1/sweeps", { spec: { project: "p", method: "nope" } });
    expect(spec.status).toBe(400);
  });

  it("404 for an unknown sweep, 400 for a malformed id", async () => {
    const id = "e".repeat(32);
    expect((await api.get(`/api/v1/sweeps/${id}`)).status).toBe(404);
    expect((await api.get(`/api/v1/sweeps/${id}/trials`)).status).toBe(404);
    expect((await api.post(`/api/v1/sweeps/${id}/cancel`)).status).toBe(404);
    expect((await api.get("/api/v1/sweeps/nope")).status).toBe(400);
    expect((await api.get("/api/v1/sweeps?project=no-such-project")).status).toBe(404);
  });

  it("creates a sweep from its file and runs it to the budget with agents over HTTP", async () => {
    const created = await api.post("/api/v1/sweeps", { yaml: sweepYaml(4, 2) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "quad", project: "sweep-api", state: "running", trials: 2 });
    const agentId = await registerAgent(api);
    const done = await playUntilDone(api, agentId, created.body.id);
    expect(done).toMatchObject({ state: "finished", trials: 4, reason: null });
    expect(done.counts.finished).toBe(4);
    const trials = await api.get(`/api/v1/sweeps/${created.body.id}/trials?limit=3`);
    expect(trials.body.trials.map((t: { number: number }) => t.number)).toEqual([1, 2, 3]);
    const rest = await api.get(
      `/api/v1/sweeps/${created.body.id}/trials?limit=3&pageToken=${trials.body.nextPageToken}`,
    );
    expect(rest.body).toMatchObject({ trials: [{ number: 4 }], nextPageToken: null });
    const values = [...trials.body.trials, ...rest.body.trials].map((t: { value: number }) => t.value);
    expect(done.best.value).toBe(Math.min(...values));
    const listed = await api.get("/api/v1/sweeps?project=sweep-api");
    expect(listed.body.sweeps.map((s: { id: string }) => s.id)).toContain(created.body.id);
    // A finished sweep cannot be cancelled.
    expect((await api.post(`/api/v1/sweeps/${created.body.id}/cancel`)).status).toBe(409);
  });

  it("cancels a sweep: its queued trials are cancelled and nothing more is proposed", async () => {
    const created = await api.post("/api/v1/sweeps", { yaml: sweepYaml(10, 3).replace("quad", "to-cancel") });
    const cancelled = await api.post(`/api/v1/sweeps/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: "cancelled", trials: 3 });
    expect(cancelled.body.counts.killed).toBe(3);
    const jobs = await api.get(`/api/v1/jobs?sweepId=${created.body.id}`);
    expect(jobs.body.jobs.map((j: { state: string }) => j.state)).toEqual(["cancelled", "cancelled", "cancelled"]);
  });
});

describe("a sweep survives a server restart", () => {
  const dir = mkdtempSync(join(tmpdir(), "looplab-sweep-restart-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("continues on the same database with exactly the budget and no duplicate trial numbers", async () => {
    const dbUrl = `sqlite:${join(dir, "looplab.db")}`;
    let server = await startTestServer({ dbUrl });
    let api = apiClient(server.url);
    const created = await api.post("/api/v1/sweeps", { yaml: sweepYaml(5, 2) });
    expect(created.status).toBe(201);
    const agentId = await registerAgent(api);
    expect(await playAgent(api, agentId)).toBe(2);
    await server.close();

    server = await startTestServer({ dbUrl });
    try {
      api = apiClient(server.url);
      const done = await playUntilDone(api, await registerAgent(api), created.body.id);
      expect(done).toMatchObject({ state: "finished", trials: 5 });
      const trials = await api.get(`/api/v1/sweeps/${created.body.id}/trials`);
      expect(trials.body.trials.map((t: { number: number }) => t.number)).toEqual([1, 2, 3, 4, 5]);
      const jobs = await api.get(`/api/v1/jobs?sweepId=${created.body.id}`);
      expect(jobs.body.jobs).toHaveLength(5);
    } finally {
      await server.close();
    }
  });
});
