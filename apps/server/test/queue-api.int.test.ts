// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} placeholders are literal text here
import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./http-client.js";

const gpu = (index: number) => ({
  index,
  uuid: `GPU-${index}`,
  name: "A100",
  memoryTotalMiB: 40_000,
  memoryUsedMiB: 0,
  utilizationPercent: 0,
});

describe.each(storeFactories)("queue API on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    server = await startTestServer({ store: factory, leaseTimeout: "30s" });
    api = apiClient(server.url);
  });
  afterAll(() => server.close());

  async function register(queues: string[], extra: Record<string, unknown> = {}) {
    const res = await api.post("/api/v1/agents", {
      name: "box",
      host: "box1",
      queues,
      gpus: [gpu(0), gpu(1)],
      cpuSlots: 4,
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.agent.id as string;
  }
  const enqueue = (body: Record<string, unknown>) =>
    api.post("/api/v1/jobs", { project: "qproj", command: "python train.py", ...body });
  const claim = (agentId: string, body: Record<string, unknown> = {}) =>
    api.post(`/api/v1/agents/${agentId}/claim`, { freeGpus: [], freeCpuSlots: 4, ...body });

  it("queues one job and one queued run per grid combination", async () => {
    const res = await enqueue({
      queue: "grid",
      command: "python train.py --lr '${config.lr}' --config ${config_file}",
      config: { lr: 1, model: { depth: 1, width: 8 } },
      overrides: ["lr=0.1,0.01", "model.depth=3,4"],
      name: "sweep",
      tags: ["baseline"],
      resources: { gpus: 1 },
      priority: 3,
    });
    expect(res.status).toBe(201);
    const jobs = res.body.jobs;
    expect(jobs).toHaveLength(4);
    expect(
      jobs.map((j: { config: { lr: number; model: { depth: number } } }) => [j.config.lr, j.config.model.depth]),
    ).toEqual([
      [0.1, 3],
      [0.1, 4],
      [0.01, 3],
      [0.01, 4],
    ]);
    expect(jobs[0]).toMatchObject({
      project: "qproj",
      queue: "grid",
      state: "queued",
      attempts: 0,
      maxAttempts: 3,
      priority: 3,
      resources: { gpus: 1, cpus: 1 },
      command: ["python", "train.py", "--lr", "${config.lr}", "--config", "${config_file}"],
      agentId: null,
      sweepId: null,
    });
    const run = await api.get(`/api/v1/runs/${jobs[1].runId}`);
    expect(run.body).toMatchObject({
      status: "queued",
      name: "sweep-2",
      tags: { baseline: "" },
      config: { lr: 0.1, model: { depth: 4, width: 8 } },
    });
    const one = await enqueue({ queue: "grid", name: "single", command: ["echo", "a b"] });
    expect((await api.get(`/api/v1/runs/${one.body.jobs[0].runId}`)).body).toMatchObject({
      name: "single",
      command: "echo 'a b'",
    });
  });

  it("refuses bad input with 400 naming the problem", async () => {
    const badOverride = await enqueue({ overrides: ["lr0.1"] });
    expect(badOverride.status).toBe(400);
    expect(badOverride.body.error.message).toContain("lr0.1");
    const badQuote = await enqueue({ command: "python 'train.py" });
    expect(badQuote.status).toBe(400);
    expect(badQuote.body.error.message).toContain("quote");
    const badPlaceholder = await enqueue({ command: "python ${config.missing}" });
    expect(badPlaceholder.status).toBe(400);
    expect((await api.get("/api/v1/jobs/not-an-id")).status).toBe(400);
    expect((await api.get("/api/v1/jobs?state=queued,sleeping")).body.error.message).toContain("sleeping");
    expect((await api.get("/api/v1/jobs?state=sleeping")).status).toBe(400);
    expect((await api.post("/api/v1/agents/xyz/claim", { freeGpus: [], freeCpuSlots: 1 })).status).toBe(400);
  });

  it("answers 404 for unknown jobs, agents and queues", async () => {
    const unknown = "f".repeat(32);
    expect((await api.get(`/api/v1/jobs/${unknown}`)).status).toBe(404);
    expect((await api.post(`/api/v1/jobs/${unknown}/cancel`, {})).status).toBe(404);
    expect((await api.post(`/api/v1/agents/${unknown}/heartbeat`, {})).status).toBe(404);
    expect((await claim(unknown)).status).toBe(404);
    expect((await api.get(`/api/v1/agents/${unknown}`)).status).toBe(404);
    expect((await api.get("/api/v1/jobs?queue=no-such-queue")).status).toBe(404);
    expect((await api.get("/api/v1/jobs?project=no-such-project")).status).toBe(404);
  });

  it("runs a job through claim, start, heartbeat and an idempotent finish", async () => {
    const agentId = await register(["life"]);
    const job = (await enqueue({ queue: "life", resources: { gpus: 2 } })).body.jobs[0];
    const claimed = await claim(agentId, { freeGpus: [3, 1, 2], freeCpuSlots: 0 });
    expect(claimed.status).toBe(200);
    expect(claimed.body.job).toMatchObject({ id: job.id, state: "leased", agentId, attempts: 1, gpuIndices: [1, 2] });
    expect((await claim(agentId)).body.job).toBeNull();

    const started = await api.post(`/api/v1/jobs/${job.id}/start`, {
      agentId,
      host: "box1",
      pid: 42,
      command: "python train.py",
    });
    expect(started.body).toMatchObject({ state: "running" });
    const runBefore = (await api.get(`/api/v1/runs/${job.runId}`)).body;
    expect(runBefore).toMatchObject({ status: "running", host: "box1" });

    await new Promise((r) => setTimeout(r, 20));
    const beat = await api.post(`/api/v1/agents/${agentId}/heartbeat`, { draining: false });
    expect(beat.body.jobs).toEqual([
      { jobId: job.id, cancelRequested: false, cancelReason: null, leaseExpiresAt: expect.any(Number) },
    ]);
    expect(beat.body.lost).toEqual([]);
    const runAfter = (await api.get(`/api/v1/runs/${job.runId}`)).body;
    expect(runAfter.heartbeatAt).toBeGreaterThan(runBefore.heartbeatAt);

    const agents = (await api.get("/api/v1/agents")).body.agents;
    const me = agents.find((a: { id: string }) => a.id === agentId);
    expect(me).toMatchObject({
      state: "online",
      jobs: [{ jobId: job.id, runId: job.runId, state: "running", gpuIndices: [1, 2] }],
    });

    const other = await register(["life"]);
    const wrong = await api.post(`/api/v1/jobs/${job.id}/finish`, {
      agentId: other,
      outcome: "succeeded",
      exitCode: 0,
    });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.code).toBe("FAILED_PRECONDITION");

    const done = await api.post(`/api/v1/jobs/${job.id}/finish`, { agentId, outcome: "succeeded", exitCode: 0 });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: "succeeded", exitCode: 0, endedAt: expect.any(Number) });
    const again = await api.post(`/api/v1/jobs/${job.id}/finish`, { agentId, outcome: "succeeded", exitCode: 0 });
    expect(again.body).toEqual(done.body);
    expect((await api.post(`/api/v1/jobs/${job.id}/finish`, { agentId, outcome: "failed" })).status).toBe(409);
    expect((await api.get(`/api/v1/runs/${job.runId}`)).body).toMatchObject({ status: "finished" });
    expect((await api.post(`/api/v1/jobs/${job.id}/cancel`, {})).status).toBe(409);
  });

  it("maps outcomes to run statuses", async () => {
    const agentId = await register(["outcomes"]);
    const expected = { failed: "failed", cancelled: "killed", pruned: "pruned" } as const;
    for (const [outcome, status] of Object.entries(expected)) {
      const job = (await enqueue({ queue: "outcomes" })).body.jobs[0];
      expect((await claim(agentId)).body.job.id).toBe(job.id);
      await api.post(`/api/v1/jobs/${job.id}/start`, { agentId, host: "box1" });
      const res = await api.post(`/api/v1/jobs/${job.id}/finish`, { agentId, outcome, exitCode: 1, error: "boom" });
      expect(res.body.state).toBe(outcome === "failed" ? "failed" : "cancelled");
      expect((await api.get(`/api/v1/runs/${job.runId}`)).body.status).toBe(status);
    }
  });

  it("long-polls: a waiting claimer gets a job as soon as it is queued", async () => {
    const agentId = await register(["poll"]);
    const t0 = performance.now();
    const waiting = claim(agentId, { waitMs: 10_000 });
    await new Promise((r) => setTimeout(r, 100));
    const job = (await enqueue({ queue: "poll" })).body.jobs[0];
    const got = await waiting;
    expect(got.body.job.id).toBe(job.id);
    expect(performance.now() - t0).toBeLessThan(3000);
    const empty = performance.now();
    expect((await claim(agentId, { waitMs: 300 })).body.job).toBeNull();
    expect(performance.now() - empty).toBeGreaterThanOrEqual(250);
  });

  it("does not lease a job to an agent that hung up its long poll", async () => {
    const agentId = await register(["hangup"]);
    const hangUp = new AbortController();
    const pending = fetch(`${server.url}/api/v1/agents/${agentId}/claim`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ freeGpus: [], freeCpuSlots: 1, waitMs: 10_000 }),
      signal: hangUp.signal,
    }).catch(() => null);
    await new Promise((r) => setTimeout(r, 200));
    hangUp.abort();
    await pending;
    await new Promise((r) => setTimeout(r, 100));
    const job = (await enqueue({ queue: "hangup" })).body.jobs[0];
    await new Promise((r) => setTimeout(r, 300));
    expect((await api.get(`/api/v1/jobs/${job.id}`)).body).toMatchObject({
      state: "queued",
      attempts: 0,
      agentId: null,
    });
  });

  it("cancels queued jobs at once and running ones through the agent", async () => {
    const agentId = await register(["cancel"]);
    const [a, b, c] = (await enqueue({ queue: "cancel", overrides: ["x=1,2,3"] })).body.jobs;
    const cancelled = await api.post(`/api/v1/jobs/${a.id}/cancel`, {});
    expect(cancelled.body).toMatchObject({ state: "cancelled", endedAt: expect.any(Number) });
    expect((await api.get(`/api/v1/runs/${a.runId}`)).body.status).toBe("killed");
    await api.post(`/api/v1/jobs/${b.id}/cancel`, { reason: "pruned" });
    expect((await api.get(`/api/v1/runs/${b.runId}`)).body.status).toBe("pruned");

    expect((await claim(agentId)).body.job.id).toBe(c.id);
    await api.post(`/api/v1/jobs/${c.id}/start`, { agentId, host: "box1" });
    const asked = await api.post(`/api/v1/jobs/${c.id}/cancel`, {});
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ state: "running", cancelRequested: true });
    const beat = await api.post(`/api/v1/agents/${agentId}/heartbeat`, {});
    expect(beat.body.jobs).toEqual([
      { jobId: c.id, cancelRequested: true, cancelReason: "cancelled", leaseExpiresAt: expect.any(Number) },
    ]);
    await api.post(`/api/v1/jobs/${c.id}/finish`, { agentId, outcome: "cancelled", exitCode: null, error: "SIGTERM" });
    expect((await api.get(`/api/v1/runs/${c.runId}`)).body.status).toBe("killed");

    const requeued = await api.post(`/api/v1/jobs/${c.id}/requeue`);
    expect(requeued.body).toMatchObject({
      state: "queued",
      attempts: 0,
      cancelRequested: false,
      agentId: null,
      error: null,
    });
    expect((await api.post(`/api/v1/jobs/${c.id}/requeue`)).status).toBe(409);
    // The run stays killed until an agent starts it again (an explicit resume).
    expect((await claim(agentId)).body.job.id).toBe(c.id);
    await api.post(`/api/v1/jobs/${c.id}/start`, { agentId, host: "box1" });
    expect((await api.get(`/api/v1/runs/${c.runId}`)).body).toMatchObject({ status: "running", endedAt: null });
  });

  it("tells the agent a running job was pruned, and ends its run pruned even if the agent says cancelled", async () => {
    const agentId = await register(["prune"]);
    const [job] = (await enqueue({ queue: "prune" })).body.jobs;
    expect((await claim(agentId)).body.job.id).toBe(job.id);
    await api.post(`/api/v1/jobs/${job.id}/start`, { agentId, host: "box1" });
    // A POST without a body is a plain cancel.
    const bare = await api.post(`/api/v1/jobs/${job.id}/cancel`);
    expect(bare.status).toBe(200);
    await api.post(`/api/v1/jobs/${job.id}/cancel`, { reason: "pruned" });
    const beat = await api.post(`/api/v1/agents/${agentId}/heartbeat`, {});
    expect(beat.body.jobs).toEqual([expect.objectContaining({ jobId: job.id, cancelReason: "pruned" })]);
    const finished = await api.post(`/api/v1/jobs/${job.id}/finish`, { agentId, outcome: "cancelled" });
    expect(finished.body).toMatchObject({ state: "cancelled" });
    expect((await api.get(`/api/v1/runs/${job.runId}`)).body.status).toBe("pruned");
  });

  it("changes the priority of queued jobs only, and claims by priority", async () => {
    const agentId = await register(["prio"]);
    const [low, high] = (await enqueue({ queue: "prio", overrides: ["x=1,2"] })).body.jobs;
    const updated = await api.patch(`/api/v1/jobs/${high.id}`, { priority: 10 });
    expect(updated.body.priority).toBe(10);
    expect((await claim(agentId)).body.job.id).toBe(high.id);
    const refused = await api.patch(`/api/v1/jobs/${high.id}`, { priority: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("FAILED_PRECONDITION");
    expect((await claim(agentId)).body.job.id).toBe(low.id);
  });

  it("releases jobs without counting the attempt, and deregistering releases the rest", async () => {
    const agentId = await register(["release"]);
    const [a, b] = (await enqueue({ queue: "release", overrides: ["x=1,2"] })).body.jobs;
    await claim(agentId);
    await claim(agentId);
    const released = await api.post(`/api/v1/jobs/${a.id}/release`, { agentId, reason: "shutting down" });
    expect(released.body).toMatchObject({ state: "queued", attempts: 0, agentId: null });
    expect((await api.del(`/api/v1/agents/${agentId}`)).body).toEqual({ ok: true });
    expect((await api.get(`/api/v1/jobs/${b.id}`)).body).toMatchObject({ state: "queued", attempts: 0 });
    expect((await api.get(`/api/v1/agents/${agentId}`)).status).toBe(404);
  });

  it("lists jobs with filters and page tokens, and queues with counts and limits", async () => {
    const agentId = await register(["listing"]);
    await enqueue({ queue: "listing", overrides: ["x=1,2,3,4,5"] });
    await claim(agentId);
    const page1 = await api.get("/api/v1/jobs?queue=listing&limit=2");
    expect(page1.body.jobs).toHaveLength(2);
    const page2 = await api.get(`/api/v1/jobs?queue=listing&limit=2&pageToken=${page1.body.nextPageToken}`);
    const page3 = await api.get(`/api/v1/jobs?queue=listing&limit=2&pageToken=${page2.body.nextPageToken}`);
    expect(page3.body.nextPageToken).toBeNull();
    const ids = [...page1.body.jobs, ...page2.body.jobs, ...page3.body.jobs].map(
      (j: { config: { x: number } }) => j.config.x,
    );
    expect(ids).toEqual([5, 4, 3, 2, 1]);
    expect((await api.get(`/api/v1/jobs?queue=grid&pageToken=${page1.body.nextPageToken}`)).status).toBe(400);
    const leased = await api.get("/api/v1/jobs?queue=listing&state=leased,running");
    expect(leased.body.jobs.map((j: { config: { x: number } }) => j.config.x)).toEqual([1]);
    expect((await api.get(`/api/v1/jobs?agentId=${agentId}`)).body.jobs).toHaveLength(1);

    const limited = await api.put("/api/v1/queues/listing", { concurrencyLimit: 1 });
    expect(limited.body).toMatchObject({
      name: "listing",
      concurrencyLimit: 1,
      counts: { queued: 4, leased: 1, running: 0 },
    });
    expect((await claim(agentId)).body.job).toBeNull();
    await api.put("/api/v1/queues/listing", { concurrencyLimit: null });
    expect((await claim(agentId)).body.job).not.toBeNull();
    const queues = (await api.get("/api/v1/queues")).body.queues;
    expect(queues.find((q: { name: string }) => q.name === "listing")).toMatchObject({
      concurrencyLimit: null,
      counts: { queued: 3, leased: 2 },
    });
    expect((await api.put("/api/v1/queues/bad name", { concurrencyLimit: 1 })).status).toBe(400);
    expect((await api.put("/api/v1/queues/listing", { concurrencyLimit: 0 })).status).toBe(400);
  });

  it("a draining agent gets no new work", async () => {
    const agentId = await register(["drain"]);
    await enqueue({ queue: "drain" });
    await api.post(`/api/v1/agents/${agentId}/heartbeat`, { draining: true });
    expect((await claim(agentId)).body.job).toBeNull();
    expect((await api.get(`/api/v1/agents/${agentId}`)).body.state).toBe("draining");
  });
});
