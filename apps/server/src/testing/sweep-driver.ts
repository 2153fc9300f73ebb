/**
 * Plays the agents' part for sweep tests through the real services: claim the queued trials,
 * start them, report metric points, finish them (or end them as pruned when asked to stop), and
 * tick the controller in between. No HTTP, no processes; nothing of ours is replaced.
 */
import type { Job } from "@looplab/core";
import type { Store } from "../ports/store.js";
import { createMetricService } from "../services/metric-service.js";
import { createProjectService } from "../services/project-service.js";
import { createQueueService } from "../services/queue-service.js";
import { createRunService } from "../services/run-service.js";
import { createSweepService } from "../services/sweep-service.js";

export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export type SweepStack = ReturnType<typeof createSweepStack>;

/** The services a sweep needs, on one store, with a manual clock. */
export function createSweepStack(store: Store, clock: ManualClock = manualClock()) {
  const projects = createProjectService(store, clock);
  const runs = createRunService(store, projects, clock);
  const metrics = createMetricService(store, runs, clock);
  const queue = createQueueService(store, projects, clock);
  const sweeps = createSweepService(store, projects, queue, clock);
  let agentId: string | null = null;

  async function agent(): Promise<string> {
    if (agentId) return agentId;
    const registered = await queue.registerAgent({
      name: "test-agent",
      host: "test-host",
      queues: ["default"],
      gpus: [],
      cpuSlots: 1000,
      labels: {},
    });
    agentId = registered.agent.id;
    return agentId;
  }

  /** Claims and starts every queued job (of any sweep); returns them in claim order. */
  async function startQueued(): Promise<Job[]> {
    const id = await agent();
    const started: Job[] = [];
    for (;;) {
      const job = await queue.claim(id, { freeGpus: [], freeCpuSlots: 1000, waitMs: 0 });
      if (!job) return started;
      started.push(await queue.start(job.id, { agentId: id, host: "test-host" }));
    }
  }

  async function report(job: Job, key: string, points: { step: number; value: number }[]): Promise<void> {
    clock.advance(1);
    await metrics.log(job.runId, { points: points.map((p) => ({ key, step: p.step, value: p.value })) });
  }

  async function finish(job: Job, outcome: "succeeded" | "failed" | "pruned" = "succeeded"): Promise<void> {
    await queue.finish(job.id, { agentId: await agent(), outcome });
  }

  /** Ends every held job whose cancellation was requested (what an agent does on heartbeat). */
  async function honourCancels(outcome: "pruned" | "cancelled" = "pruned"): Promise<string[]> {
    const id = await agent();
    const beat = await queue.heartbeat(id, {});
    const stopped: string[] = [];
    for (const j of beat.jobs.filter((x) => x.cancelRequested)) {
      await queue.finish(j.jobId, { agentId: id, outcome });
      stopped.push(j.jobId);
    }
    return stopped;
  }

  return { store, clock, projects, runs, metrics, queue, sweeps, agent, startQueued, report, finish, honourCancels };
}
