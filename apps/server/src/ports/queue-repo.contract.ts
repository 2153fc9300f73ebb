import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentRecord, ClaimRequest, JobRecord } from "./queue-repo.js";
import type { Store } from "./store.js";

/** The behaviour every QueueRepo must have (store.queue); run on SQLite and PostgreSQL. */
export function queueRepoContract(name: string, open: () => Promise<Store>): void {
  describe(`QueueRepo contract: ${name}`, () => {
    let store: Store;
    const projectId = "a".repeat(32);
    let seq = 0;
    const hex = (n: number) => n.toString(16).padStart(32, "0");

    beforeAll(async () => {
      store = await open();
      await store.projects.create({
        id: projectId,
        name: "q",
        description: "",
        createdAt: 1,
        updatedAt: 1,
        deletedAt: null,
      });
    });
    afterAll(() => store.close());

    /** A run and its job (created_at = 1000 + n unless given). */
    async function addJob(queue: string, extra: Partial<JobRecord> = {}): Promise<JobRecord> {
      seq += 1;
      const runId = hex(seq);
      await store.runs.create({
        id: runId,
        projectId,
        name: `r${seq}`,
        status: "queued",
        origin: "queue",
        group: null,
        tags: {},
        notes: "",
        config: {},
        createdAt: 1000 + seq,
        startedAt: null,
        endedAt: null,
        heartbeatAt: null,
        updatedAt: 1000 + seq,
        deletedAt: null,
        host: null,
        command: null,
        git: null,
        environment: null,
        parentRunId: null,
        resumedFrom: null,
      });
      const job: JobRecord = {
        id: hex(0x100000 + seq),
        runId,
        projectId,
        queue,
        command: ["python", "train.py"],
        config: { lr: 0.1, model: { depth: 2 } },
        gpus: 0,
        cpus: 1,
        priority: 0,
        seq: 0,
        state: "queued",
        attempts: 0,
        maxAttempts: 3,
        cancelRequested: false,
        cancelReason: null,
        outcome: null,
        agentId: null,
        lostAgentId: null,
        gpuIndices: [],
        leaseExpiresAt: null,
        exitCode: null,
        error: null,
        sweepId: null,
        createdAt: 1000 + seq,
        updatedAt: 1000 + seq,
        startedAt: null,
        endedAt: null,
        ...extra,
      };
      await store.queue.insertJobs([job]);
      return job;
    }

    const agentA = hex(0xa1);
    const agentB = hex(0xb2);
    const claim = (queue: string, extra: Partial<ClaimRequest> = {}) =>
      store.queue.claim({
        agentId: agentA,
        queues: [queue],
        freeGpus: [],
        freeCpuSlots: 4,
        now: 5000,
        leaseExpiresAt: 65_000,
        ...extra,
      });

    it("stores jobs whole and lists them newest first with filters and a cursor", async () => {
      const a = await addJob("list", { sweepId: hex(77), config: { x: [1, { y: null }] }, seq: 0 });
      const b = await addJob("list", { priority: 5, createdAt: a.createdAt, seq: 1 });
      const c = await addJob("list", { state: "failed" });
      expect(await store.queue.getJob(a.id)).toEqual(a);
      expect(await store.queue.getJobByRun(b.runId)).toEqual(b);
      expect(await store.queue.getJob(hex(999_999))).toBeNull();
      const all = await store.queue.listJobs({ queue: "list", limit: 10 });
      expect(all.map((j) => j.id)).toEqual([c.id, b.id, a.id]);
      const page = await store.queue.listJobs({
        queue: "list",
        limit: 10,
        after: { createdAt: b.createdAt, seq: 1, id: b.id },
      });
      expect(page.map((j) => j.id)).toEqual([a.id]);
      expect((await store.queue.listJobs({ queue: "list", states: ["failed"], limit: 10 })).map((j) => j.id)).toEqual([
        c.id,
      ]);
      expect((await store.queue.listJobs({ sweepId: hex(77), limit: 10 })).map((j) => j.id)).toEqual([a.id]);
      await store.queue.updateJob(a.id, { priority: 9, error: "x", cancelRequested: true, gpuIndices: [1] });
      const got = await store.queue.getJob(a.id);
      expect(got).toMatchObject({ priority: 9, error: "x", cancelRequested: true, gpuIndices: [1] });
    });

    it("claims the highest priority, then the oldest job, counting the attempt", async () => {
      const low = await addJob("order", { priority: 0 });
      const oldHigh = await addJob("order", { priority: 5 });
      const newHigh = await addJob("order", { priority: 5 });
      const first = await claim("order");
      expect(first).toMatchObject({
        id: oldHigh.id,
        state: "leased",
        agentId: agentA,
        attempts: 1,
        leaseExpiresAt: 65_000,
      });
      expect((await claim("order"))?.id).toBe(newHigh.id);
      expect((await claim("order"))?.id).toBe(low.id);
      expect(await claim("order")).toBeNull();
      expect(await claim("nothing-here")).toBeNull();
    });

    it("claims only jobs that fit the free GPUs or CPU slots, picking the lowest GPU indices", async () => {
      const big = await addJob("fit", { gpus: 2, priority: 9 });
      const cpu = await addJob("fit", { gpus: 0, cpus: 3 });
      expect(await claim("fit", { freeGpus: [3], freeCpuSlots: 2 })).toBeNull();
      const gotBig = await claim("fit", { freeGpus: [5, 1, 3], freeCpuSlots: 0 });
      expect(gotBig).toMatchObject({ id: big.id, gpuIndices: [1, 3] });
      expect((await claim("fit", { freeGpus: [], freeCpuSlots: 3 }))?.id).toBe(cpu.id);
    });

    it("respects a queue's concurrency limit (leased and running count)", async () => {
      await store.queue.putQueue({ name: "limited", concurrencyLimit: 2 });
      expect(await store.queue.getQueue("limited")).toEqual({ name: "limited", concurrencyLimit: 2 });
      for (let i = 0; i < 4; i++) await addJob("limited");
      const one = await claim("limited");
      const two = await claim("limited");
      expect(one && two).toBeTruthy();
      expect(await claim("limited")).toBeNull();
      await store.queue.updateJob((two as JobRecord).id, { state: "running" });
      expect(await claim("limited")).toBeNull();
      await store.queue.updateJob((one as JobRecord).id, { state: "succeeded", agentId: agentA });
      expect(await claim("limited")).not.toBeNull();
      await store.queue.putQueue({ name: "limited", concurrencyLimit: null });
      expect(await claim("limited")).not.toBeNull();
      expect(await store.queue.listQueues()).toContainEqual({ name: "limited", concurrencyLimit: null });
      await store.queue.ensureQueue("limited");
      await store.queue.ensureQueue("fresh");
      expect(await store.queue.getQueue("fresh")).toEqual({ name: "fresh", concurrencyLimit: null });
      await store.queue.putQueue({ name: "fresh", concurrencyLimit: 4 });
      await store.queue.ensureQueue("fresh");
      expect(await store.queue.getQueue("fresh")).toEqual({ name: "fresh", concurrencyLimit: 4 });
      const counts = await store.queue.countJobs();
      expect(counts.filter((c) => c.queue === "limited").sort((a, b) => a.state.localeCompare(b.state))).toEqual([
        { queue: "limited", state: "leased", count: 2 },
        { queue: "limited", state: "running", count: 1 },
        { queue: "limited", state: "succeeded", count: 1 },
      ]);
    });

    it("never gives one job to two concurrent claimers", async () => {
      const jobs = 12;
      for (let i = 0; i < jobs; i++) await addJob("race");
      const claimers = 30;
      const results = await Promise.all(
        Array.from({ length: claimers }, (_, i) => claim("race", { agentId: hex(0xc000 + i) })),
      );
      const claimed = results.filter((r): r is JobRecord => r !== null);
      expect(claimed).toHaveLength(jobs);
      expect(new Set(claimed.map((j) => j.id)).size).toBe(jobs);
      const stored = await store.queue.listJobs({ queue: "race", limit: 100 });
      expect(stored.every((j) => j.state === "leased" && j.attempts === 1)).toBe(true);
      for (const j of claimed) expect(stored.find((s) => s.id === j.id)?.agentId).toBe(j.agentId);
    });

    it("never lets concurrent claimers exceed a queue's limit", async () => {
      await store.queue.putQueue({ name: "race-limited", concurrencyLimit: 3 });
      for (let i = 0; i < 10; i++) await addJob("race-limited");
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => claim("race-limited", { agentId: hex(0xd000 + i) })),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(3);
    });

    it("renews leases and returns expired jobs to the queue, failing them at the attempt limit", async () => {
      const lost = hex(0xee);
      const a = await addJob("expiry", { maxAttempts: 2 });
      const b = await addJob("expiry", { maxAttempts: 1 });
      await claim("expiry", { agentId: lost, leaseExpiresAt: 6000 });
      await claim("expiry", { agentId: lost, leaseExpiresAt: 6000 });
      const renewed = await store.queue.renewLeases(lost, 9000, 7000);
      expect(renewed.map((j) => j.leaseExpiresAt)).toEqual([9000, 9000]);
      expect(await store.queue.expireLeases(8999, 100)).toEqual({ requeued: [], failed: [] });
      const expired = await store.queue.expireLeases(9001, 100);
      expect(expired.requeued.map((j) => j.id)).toEqual([a.id]);
      expect(expired.requeued[0]).toMatchObject({
        state: "queued",
        attempts: 1,
        agentId: null,
        leaseExpiresAt: null,
        gpuIndices: [],
      });
      expect(expired.failed.map((j) => j.id)).toEqual([b.id]);
      expect(expired.failed[0]).toMatchObject({
        state: "failed",
        attempts: 1,
        error: "lease expired 1 time",
        endedAt: 9001,
      });
      // The lost agent hears about both jobs once; a job it claims again is not lost.
      const again = await claim("expiry", { agentId: lost, leaseExpiresAt: 20_000 });
      expect(again).toMatchObject({ id: a.id, attempts: 2 });
      expect((await store.queue.takeLost(lost)).sort()).toEqual([b.id]);
      expect(await store.queue.takeLost(lost)).toEqual([]);
      // Second expiry of a at its limit → failed.
      const second = await store.queue.expireLeases(20_001, 100);
      expect(second.failed.map((j) => j.id)).toEqual([a.id]);
      expect(second.failed[0]?.error).toBe("lease expired 2 times");
      expect(await store.queue.takeLost(lost)).toEqual([a.id]);
    });

    it("lists jobs held by agents", async () => {
      await addJob("held");
      await claim("held", { agentId: agentB });
      const held = await store.queue.heldJobs([agentB]);
      expect(held.map((j) => j.queue)).toEqual(["held"]);
      expect(await store.queue.heldJobs([])).toEqual([]);
    });

    it("stores, updates, lists and deletes agents", async () => {
      const agent: AgentRecord = {
        id: hex(0xe1),
        name: "gpu-box",
        host: "box1",
        queues: ["default", "big"],
        gpus: [
          {
            index: 0,
            uuid: "GPU-1",
            name: "A100",
            memoryTotalMiB: 40_000,
            memoryUsedMiB: 10,
            utilizationPercent: null,
          },
        ],
        cpuSlots: 8,
        labels: { zone: "eu" },
        state: "online",
        registeredAt: 100,
        heartbeatAt: 100,
      };
      await store.queue.insertAgent(agent);
      expect(await store.queue.getAgent(agent.id)).toEqual(agent);
      await store.queue.updateAgent(agent.id, { state: "draining", heartbeatAt: 200, gpus: [] });
      expect(await store.queue.getAgent(agent.id)).toEqual({ ...agent, state: "draining", heartbeatAt: 200, gpus: [] });
      expect((await store.queue.listAgents()).map((a) => a.id)).toContain(agent.id);
      await store.queue.deleteAgent(agent.id);
      expect(await store.queue.getAgent(agent.id)).toBeNull();
    });
  });
}
