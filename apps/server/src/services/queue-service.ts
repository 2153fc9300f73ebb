import {
  invalidArgument,
  type Job,
  type JobState,
  jobStates,
  type listJobsQuery,
  notFound,
  type queueSummarySchema,
} from "@looplab/core";
import type { z } from "zod";
import type { Store } from "../ports/store.js";
import { type AgentRegistryOptions, createAgentRegistry } from "./agent-registry.js";
import type { Clock } from "./clock.js";
import type { RunEvents } from "./event-bus.js";
import { createJobEnqueue } from "./job-enqueue.js";
import { createJobLifecycle } from "./job-lifecycle.js";
import { createJobViews } from "./job-views.js";
import { decodePageToken, encodePageToken, fingerprint } from "./page-token.js";
import type { ProjectService } from "./project-service.js";
import { createQueueNotifier } from "./queue-notifier.js";

export type { EnqueueInput } from "./job-enqueue.js";

export interface QueueServiceOptions {
  /** How long a claim or heartbeat keeps a job leased (default 60 s). */
  leaseTimeoutMs?: number;
  repollMs?: AgentRegistryOptions["repollMs"];
}

export const DEFAULT_LEASE_TIMEOUT_MS = 60_000;

type ListJobsQuery = z.output<typeof listJobsQuery>;
type QueueSummary = z.output<typeof queueSummarySchema>;

/** The queue (docs/queue.md): jobs with their runs, agents with leases, named queues with limits. */
export function createQueueService(
  store: Store,
  projects: ProjectService,
  clock: Clock,
  options: QueueServiceOptions = {},
  events?: RunEvents,
) {
  const leaseTimeoutMs = options.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS;
  const notifier = createQueueNotifier();
  const views = createJobViews(store);
  const lifecycle = createJobLifecycle(store, clock, views, notifier, { leaseTimeoutMs }, events);
  const agents = createAgentRegistry(store, clock, views, notifier, {
    leaseTimeoutMs,
    ...(options.repollMs !== undefined ? { repollMs: options.repollMs } : {}),
  });

  async function summary(name: string, limit: number | null): Promise<QueueSummary> {
    const counts = Object.fromEntries(jobStates.map((s) => [s, 0])) as Record<JobState, number>;
    for (const c of await store.queue.countJobs()) if (c.queue === name) counts[c.state] = c.count;
    return { name, concurrencyLimit: limit, counts };
  }

  return {
    leaseTimeoutMs,
    enqueue: createJobEnqueue(store, projects, clock, views, notifier, events),
    ...lifecycle,
    registerAgent: agents.register,
    getAgent: agents.get,
    listAgents: agents.list,
    heartbeat: agents.heartbeat,
    claim: agents.claim,
    deregister: agents.deregister,

    get: (jobId: string): Promise<Job> => views.current(jobId),

    /** Jobs newest first; an unknown queue or project is 404. */
    async list(
      query: Partial<ListJobsQuery> & { limit: number },
    ): Promise<{ jobs: Job[]; nextPageToken: string | null }> {
      let projectId: string | undefined;
      if (query.project !== undefined) {
        const project = await store.projects.getByName(query.project);
        if (!project) throw notFound(`project '${query.project}' not found`, { project: query.project });
        projectId = project.id;
      }
      if (query.queue !== undefined && !(await store.queue.getQueue(query.queue))) {
        throw notFound(`queue '${query.queue}' not found`, { queue: query.queue });
      }
      const print = fingerprint(query.queue, query.project, query.state, query.sweepId, query.agentId);
      let after: { createdAt: number; seq: number; id: string } | undefined;
      if (query.pageToken) {
        const token = decodePageToken(query.pageToken);
        if (
          token.f !== print ||
          typeof token.c !== "number" ||
          typeof token.s !== "number" ||
          typeof token.i !== "string"
        ) {
          throw invalidArgument("pageToken does not belong to this query", { field: "pageToken" });
        }
        after = { createdAt: token.c, seq: token.s, id: token.i };
      }
      const rows = await store.queue.listJobs({
        queue: query.queue,
        projectId,
        states: query.state,
        sweepId: query.sweepId,
        agentId: query.agentId,
        after,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextPageToken =
        rows.length > query.limit && last
          ? encodePageToken({ f: print, c: last.createdAt, s: last.seq, i: last.id })
          : null;
      return { jobs: await views.views(page), nextPageToken };
    },

    async listQueues(): Promise<QueueSummary[]> {
      const queues = await store.queue.listQueues();
      return await Promise.all(queues.map((q) => summary(q.name, q.concurrencyLimit)));
    },

    async putQueue(name: string, concurrencyLimit: number | null): Promise<QueueSummary> {
      await store.queue.putQueue({ name, concurrencyLimit });
      notifier.wake();
      return await summary(name, concurrencyLimit);
    },

    /** Ends waiting claims (server shutdown). */
    close(): void {
      notifier.close();
    },
  };
}
export type QueueService = ReturnType<typeof createQueueService>;
