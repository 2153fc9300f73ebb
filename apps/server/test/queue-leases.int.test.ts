import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./http-client.js";

/** Lease expiry through the background task of a real server with a 1 s lease. */
describe.each(storeFactories)("queue leases on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    server = await startTestServer({ store: factory, leaseTimeout: "1s" });
    api = apiClient(server.url);
  });
  afterAll(() => server.close());

  const register = async (queue: string) =>
    (await api.post("/api/v1/agents", { name: "a", host: "h", queues: [queue], gpus: [], cpuSlots: 2 })).body;
  const claim = (agentId: string) => api.post(`/api/v1/agents/${agentId}/claim`, { freeGpus: [], freeCpuSlots: 2 });
  async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (ok(v) || Date.now() > end) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("tells agents the heartbeat interval (a third of the lease)", async () => {
    const reg = await register("hb");
    expect(reg).toMatchObject({ heartbeatIntervalMs: 333, leaseTimeoutMs: 1000 });
  });

  it("re-queues a job whose agent vanished, counts the attempt, crashes the run until it is resumed", async () => {
    const { agent } = await register("vanish");
    const job = (await api.post("/api/v1/jobs", { project: "leases", command: "sleep 100", queue: "vanish" })).body
      .jobs[0];
    expect((await claim(agent.id)).body.job.id).toBe(job.id);
    await api.post(`/api/v1/jobs/${job.id}/start`, { agentId: agent.id, host: "h" });
    const requeued = await until(
      async () => (await api.get(`/api/v1/jobs/${job.id}`)).body,
      (j) => j.state === "queued",
    );
    expect(requeued).toMatchObject({ state: "queued", attempts: 1, agentId: null });
    expect((await api.get(`/api/v1/runs/${job.runId}`)).body.status).toBe("crashed");
    // The old agent comes back: it hears the job is lost, and may not finish it.
    const beat = await api.post(`/api/v1/agents/${agent.id}/heartbeat`, {});
    expect(beat.body).toEqual({ jobs: [], lost: [job.id] });
    expect((await api.post(`/api/v1/jobs/${job.id}/finish`, { agentId: agent.id, outcome: "succeeded" })).status).toBe(
      409,
    );
    // A new agent resumes the same run.
    const { agent: second } = await register("vanish");
    expect((await claim(second.id)).body.job).toMatchObject({ id: job.id, attempts: 2 });
    await api.post(`/api/v1/jobs/${job.id}/start`, { agentId: second.id, host: "h2" });
    expect((await api.get(`/api/v1/runs/${job.runId}`)).body).toMatchObject({
      status: "running",
      host: "h2",
      endedAt: null,
    });
    // Heartbeats keep the lease alive well past its length.
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 300));
      await api.post(`/api/v1/agents/${second.id}/heartbeat`, {});
    }
    expect((await api.get(`/api/v1/jobs/${job.id}`)).body).toMatchObject({ state: "running", agentId: second.id });
    await api.post(`/api/v1/jobs/${job.id}/finish`, { agentId: second.id, outcome: "succeeded", exitCode: 0 });
    expect((await api.get(`/api/v1/runs/${job.runId}`)).body.status).toBe("finished");
  });

  it("fails a job whose lease expired at its attempt limit", async () => {
    const { agent } = await register("limit");
    const job = (
      await api.post("/api/v1/jobs", { project: "leases", command: "sleep 100", queue: "limit", maxAttempts: 1 })
    ).body.jobs[0];
    await claim(agent.id);
    await api.post(`/api/v1/jobs/${job.id}/start`, { agentId: agent.id, host: "h" });
    const failed = await until(
      async () => (await api.get(`/api/v1/jobs/${job.id}`)).body,
      (j) => j.state !== "running",
    );
    expect(failed).toMatchObject({ state: "failed", attempts: 1, error: "lease expired 1 time" });
    expect((await api.get(`/api/v1/runs/${job.runId}`)).body.status).toBe("crashed");
    const again = await api.post(`/api/v1/jobs/${job.id}/requeue`);
    expect(again.body).toMatchObject({ state: "queued", attempts: 0, error: null });
  });

  it("lists an agent without heartbeats as offline only when asked", async () => {
    const { agent } = await register("offline");
    await new Promise((r) => setTimeout(r, 1200));
    const listed = (await api.get("/api/v1/agents")).body.agents.map((a: { id: string }) => a.id);
    expect(listed).not.toContain(agent.id);
    const all = (await api.get("/api/v1/agents?includeOffline=true")).body.agents;
    expect(all.find((a: { id: string }) => a.id === agent.id)?.state).toBe("offline");
  });
});
