import {
  type Agent,
  type agentHeartbeatBody,
  type agentHeartbeatResult,
  type claimJobBody,
  type Job,
  notFound,
  type registerAgentBody,
  type registerAgentResult,
} from "@looplab/core";
import type { z } from "zod";
import type { AgentRecord, JobRecord } from "../ports/queue-repo.js";
import type { Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import { newId } from "./ids.js";
import { handBack } from "./job-hand-back.js";
import type { JobViews } from "./job-views.js";
import type { QueueNotifier } from "./queue-notifier.js";

export interface AgentRegistryOptions {
  leaseTimeoutMs: number;
  /** Fallback re-poll of a waiting claim (other server processes do not wake this one). */
  repollMs?: number;
}

/** How often agents must send a heartbeat: a third of the lease, so one lost heartbeat costs nothing. */
export const heartbeatIntervalOf = (leaseTimeoutMs: number) => Math.max(1, Math.floor(leaseTimeoutMs / 3));

/** Agents: registration, heartbeats (lease renewal), long-polled claims, listing, leaving. */
export function createAgentRegistry(
  store: Store,
  clock: Clock,
  views: JobViews,
  notifier: QueueNotifier,
  opts: AgentRegistryOptions,
) {
  const heartbeatIntervalMs = heartbeatIntervalOf(opts.leaseTimeoutMs);
  const repollMs = opts.repollMs ?? 1000;

  async function requireAgent(agentId: string): Promise<AgentRecord> {
    const agent = await store.queue.getAgent(agentId);
    if (!agent) throw notFound(`agent '${agentId}' not found; register again`, { agentId });
    return agent;
  }

  function agentView(agent: AgentRecord, held: JobRecord[], now: number): Agent {
    const offline = now - agent.heartbeatAt > 3 * heartbeatIntervalMs;
    return {
      id: agent.id,
      name: agent.name,
      host: agent.host,
      queues: agent.queues,
      gpus: agent.gpus,
      cpuSlots: agent.cpuSlots,
      labels: agent.labels,
      state: offline ? "offline" : agent.state,
      registeredAt: agent.registeredAt,
      heartbeatAt: agent.heartbeatAt,
      jobs: held
        .filter((j) => j.agentId === agent.id)
        .map((j) => ({ jobId: j.id, runId: j.runId, state: j.state, gpuIndices: j.gpuIndices })),
    };
  }

  /** Hands a job back to the queue without counting the attempt (if the agent still holds it). */
  async function releaseHeld(jobId: string, agentId: string): Promise<void> {
    const now = clock.now();
    await store.transaction(async (repos) => {
      const job = await repos.queue.getJob(jobId, { forUpdate: true });
      if (!job || job.agentId !== agentId || (job.state !== "leased" && job.state !== "running")) return;
      await repos.queue.updateJob(job.id, handBack(job, now));
    });
    notifier.wake();
  }

  async function viewOf(agent: AgentRecord): Promise<Agent> {
    return agentView(agent, await store.queue.heldJobs([agent.id]), clock.now());
  }

  return {
    async register(body: z.output<typeof registerAgentBody>): Promise<z.output<typeof registerAgentResult>> {
      const now = clock.now();
      const agent: AgentRecord = {
        id: newId(),
        name: body.name,
        host: body.host,
        queues: [...new Set(body.queues)],
        gpus: body.gpus,
        cpuSlots: body.cpuSlots,
        labels: body.labels,
        state: "online",
        registeredAt: now,
        heartbeatAt: now,
      };
      await store.queue.insertAgent(agent);
      return { agent: agentView(agent, [], now), heartbeatIntervalMs, leaseTimeoutMs: opts.leaseTimeoutMs };
    },

    async get(agentId: string): Promise<Agent> {
      return await viewOf(await requireAgent(agentId));
    },

    async list(includeOffline: boolean): Promise<Agent[]> {
      const now = clock.now();
      const agents = await store.queue.listAgents();
      const held = await store.queue.heldJobs(agents.map((a) => a.id));
      return agents.map((a) => agentView(a, held, now)).filter((a) => includeOffline || a.state !== "offline");
    },

    /**
     * Renews the leases of the agent's jobs, refreshes its GPUs and the heartbeat of the runs it
     * runs (so run crash detection does not fire), and reports cancellations and lost jobs.
     */
    async heartbeat(
      agentId: string,
      body: z.output<typeof agentHeartbeatBody>,
    ): Promise<z.output<typeof agentHeartbeatResult>> {
      await requireAgent(agentId);
      const now = clock.now();
      return await store.transaction(async (repos) => {
        await repos.queue.updateAgent(agentId, {
          heartbeatAt: now,
          ...(body.gpus !== undefined ? { gpus: body.gpus } : {}),
          ...(body.draining !== undefined ? { state: body.draining ? "draining" : "online" } : {}),
        });
        const renewed = await repos.queue.renewLeases(agentId, now + opts.leaseTimeoutMs, now);
        for (const job of renewed) {
          if (job.state === "running") await repos.runs.update(job.runId, { heartbeatAt: now });
        }
        const lost = await repos.queue.takeLost(agentId);
        return {
          jobs: renewed.map((j) => ({
            jobId: j.id,
            cancelRequested: j.cancelRequested,
            cancelReason: j.cancelRequested ? (j.cancelReason ?? "cancelled") : null,
            leaseExpiresAt: j.leaseExpiresAt ?? now + opts.leaseTimeoutMs,
          })),
          lost,
        };
      });
    },

    /**
     * Leases the next job that fits, waiting up to `waitMs` for one; null when none came. `signal`
     * aborts when the agent hung up: a job leased for it after that is handed back at once.
     */
    async claim(agentId: string, body: z.output<typeof claimJobBody>, signal?: AbortSignal): Promise<Job | null> {
      const deadline = performance.now() + body.waitMs;
      for (;;) {
        if (signal?.aborted) return null;
        const seen = notifier.version;
        const agent = await requireAgent(agentId);
        const now = clock.now();
        await store.queue.updateAgent(agentId, { heartbeatAt: now });
        if (agent.state === "draining") return null;
        const job = await store.queue.claim({
          agentId,
          queues: agent.queues,
          freeGpus: body.freeGpus,
          freeCpuSlots: body.freeCpuSlots,
          now,
          leaseExpiresAt: now + opts.leaseTimeoutMs,
        });
        if (job && signal?.aborted) {
          await releaseHeld(job.id, agentId);
          return null;
        }
        if (job) return await views.view(job);
        const remaining = deadline - performance.now();
        if (remaining <= 0 || notifier.closed) return null;
        await notifier.wait(seen, Math.min(remaining, repollMs), signal);
      }
    },

    /** The agent leaves: the jobs it holds go back to the queue (attempt not counted). */
    async deregister(agentId: string): Promise<void> {
      await requireAgent(agentId);
      const now = clock.now();
      const released = await store.transaction(async (repos) => {
        const held = await repos.queue.heldJobs([agentId]);
        for (const job of held) {
          await repos.queue.updateJob(job.id, handBack(job, now));
        }
        await repos.queue.deleteAgent(agentId);
        return held.length;
      });
      if (released > 0) notifier.wake();
    },
  };
}
