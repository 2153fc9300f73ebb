import type { Gpu, JobState } from "@looplab/core";

/**
 * The queue's storage port (docs/queue.md): jobs, agents and named queues. Claims and lease
 * expiry are atomic here (PostgreSQL: `FOR UPDATE SKIP LOCKED` in a transaction; SQLite: one write
 * transaction); the service decides what the state changes mean for runs.
 */

export type JobCancelReason = "cancelled" | "pruned";
export type JobOutcome = "succeeded" | "failed" | "cancelled" | "pruned";

export interface JobRecord {
  id: string;
  runId: string;
  projectId: string;
  queue: string;
  command: string[];
  config: Record<string, unknown>;
  gpus: number;
  cpus: number;
  priority: number;
  /** Order among jobs created in the same millisecond (a grid's combinations). */
  seq: number;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  cancelRequested: boolean;
  cancelReason: JobCancelReason | null;
  /** How a final job ended (`pruned` is a cancelled job whose run ends pruned). */
  outcome: JobOutcome | null;
  agentId: string | null;
  /** The agent that held the job when its lease expired, until it has been told (heartbeat `lost`). */
  lostAgentId: string | null;
  gpuIndices: number[];
  leaseExpiresAt: number | null;
  exitCode: number | null;
  error: string | null;
  sweepId: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export type JobPatch = Partial<
  Pick<
    JobRecord,
    | "priority"
    | "state"
    | "attempts"
    | "cancelRequested"
    | "cancelReason"
    | "outcome"
    | "agentId"
    | "lostAgentId"
    | "gpuIndices"
    | "leaseExpiresAt"
    | "exitCode"
    | "error"
    | "updatedAt"
    | "startedAt"
    | "endedAt"
  >
>;

export interface JobListRequest {
  queue?: string | undefined;
  projectId?: string | undefined;
  states?: JobState[] | undefined;
  sweepId?: string | undefined;
  agentId?: string | undefined;
  /** Continue after this job (newest first: created_at desc, seq desc, id desc). */
  after?: { createdAt: number; seq: number; id: string } | undefined;
  limit: number;
}

export interface ClaimRequest {
  agentId: string;
  queues: string[];
  /** Free GPU indices; a job needing N GPUs gets the N lowest. */
  freeGpus: number[];
  freeCpuSlots: number;
  now: number;
  leaseExpiresAt: number;
}

export interface ExpiredLeases {
  /** Back in the queue, attempt counted. */
  requeued: JobRecord[];
  /** At their attempt limit: failed with "lease expired N times". */
  failed: JobRecord[];
}

export interface AgentRecord {
  id: string;
  name: string;
  host: string;
  queues: string[];
  gpus: Gpu[];
  cpuSlots: number;
  labels: Record<string, string>;
  /** Stored state; `offline` is computed from heartbeatAt by the service. */
  state: "online" | "draining";
  registeredAt: number;
  heartbeatAt: number;
}

export type AgentPatch = Partial<Pick<AgentRecord, "gpus" | "state" | "heartbeatAt">>;

export interface QueueRecord {
  name: string;
  concurrencyLimit: number | null;
}

export interface QueueRepo {
  insertJobs(jobs: JobRecord[]): Promise<void>;
  /** `forUpdate` locks the row until the surrounding transaction ends (PostgreSQL). */
  getJob(id: string, opts?: { forUpdate?: boolean }): Promise<JobRecord | null>;
  getJobByRun(runId: string): Promise<JobRecord | null>;
  updateJob(id: string, patch: JobPatch): Promise<void>;
  listJobs(request: JobListRequest): Promise<JobRecord[]>;
  /** Jobs held (leased or running) by these agents. */
  heldJobs(agentIds: string[]): Promise<JobRecord[]>;
  /**
   * Leases the best job that fits (priority desc, then oldest) in the agent's queues whose queue is
   * under its concurrency limit, counting the attempt. Atomic; runs its own transaction when called
   * outside one. Null when nothing fits.
   */
  claim(request: ClaimRequest): Promise<JobRecord | null>;
  /** Renews the leases of the agent's held jobs; returns them. */
  renewLeases(agentId: string, leaseExpiresAt: number, now: number): Promise<JobRecord[]>;
  /** Ids of jobs the agent lost (lease expired) and no longer holds; each is reported once. */
  takeLost(agentId: string): Promise<string[]>;
  /** Re-queues (or fails, at the attempt limit) up to `limit` held jobs whose lease ended before `now`. */
  expireLeases(now: number, limit: number): Promise<ExpiredLeases>;
  /** Job counts per queue and state (queues without jobs are absent). */
  countJobs(): Promise<{ queue: string; state: JobState; count: number }[]>;

  getQueue(name: string): Promise<QueueRecord | null>;
  listQueues(): Promise<QueueRecord[]>;
  putQueue(queue: QueueRecord): Promise<void>;
  /** Creates the queue (no limit) unless it exists. */
  ensureQueue(name: string): Promise<void>;

  insertAgent(agent: AgentRecord): Promise<void>;
  getAgent(id: string): Promise<AgentRecord | null>;
  listAgents(): Promise<AgentRecord[]>;
  updateAgent(id: string, patch: AgentPatch): Promise<void>;
  deleteAgent(id: string): Promise<void>;
}
