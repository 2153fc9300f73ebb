import type { Gpu, JobState } from "@looplab/core";
import type { AgentRecord, JobCancelReason, JobOutcome, JobPatch, JobRecord } from "../../ports/queue-repo.js";
import type { AgentsTable, JobsTable } from "./queue-tables.js";

/** Row ↔ record mapping of the queue tables (JSON as text, booleans as 0/1). */
export function jobFromRow(row: JobsTable): JobRecord {
  return {
    id: row.id,
    runId: row.run_id,
    projectId: row.project_id,
    queue: row.queue,
    command: JSON.parse(row.command_json) as string[],
    config: JSON.parse(row.config_json) as Record<string, unknown>,
    gpus: Number(row.gpus),
    cpus: Number(row.cpus),
    priority: Number(row.priority),
    seq: Number(row.seq),
    state: row.state as JobState,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    cancelRequested: Number(row.cancel_requested) === 1,
    cancelReason: row.cancel_reason as JobCancelReason | null,
    outcome: row.outcome as JobOutcome | null,
    agentId: row.agent_id,
    lostAgentId: row.lost_agent_id,
    gpuIndices: JSON.parse(row.gpu_indices_json) as number[],
    leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
    exitCode: row.exit_code === null ? null : Number(row.exit_code),
    error: row.error,
    sweepId: row.sweep_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
  };
}

export function jobToRow(job: JobRecord): JobsTable {
  return {
    id: job.id,
    run_id: job.runId,
    project_id: job.projectId,
    queue: job.queue,
    command_json: JSON.stringify(job.command),
    config_json: JSON.stringify(job.config),
    gpus: job.gpus,
    cpus: job.cpus,
    priority: job.priority,
    seq: job.seq,
    state: job.state,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    cancel_requested: job.cancelRequested ? 1 : 0,
    cancel_reason: job.cancelReason,
    outcome: job.outcome,
    agent_id: job.agentId,
    lost_agent_id: job.lostAgentId,
    gpu_indices_json: JSON.stringify(job.gpuIndices),
    lease_expires_at: job.leaseExpiresAt,
    exit_code: job.exitCode,
    error: job.error,
    sweep_id: job.sweepId,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    started_at: job.startedAt,
    ended_at: job.endedAt,
  };
}

export function jobPatchToRow(patch: JobPatch): Partial<JobsTable> {
  const row: Partial<JobsTable> = {};
  if (patch.priority !== undefined) row.priority = patch.priority;
  if (patch.state !== undefined) row.state = patch.state;
  if (patch.attempts !== undefined) row.attempts = patch.attempts;
  if (patch.cancelRequested !== undefined) row.cancel_requested = patch.cancelRequested ? 1 : 0;
  if (patch.cancelReason !== undefined) row.cancel_reason = patch.cancelReason;
  if (patch.outcome !== undefined) row.outcome = patch.outcome;
  if (patch.agentId !== undefined) row.agent_id = patch.agentId;
  if (patch.lostAgentId !== undefined) row.lost_agent_id = patch.lostAgentId;
  if (patch.gpuIndices !== undefined) row.gpu_indices_json = JSON.stringify(patch.gpuIndices);
  if (patch.leaseExpiresAt !== undefined) row.lease_expires_at = patch.leaseExpiresAt;
  if (patch.exitCode !== undefined) row.exit_code = patch.exitCode;
  if (patch.error !== undefined) row.error = patch.error;
  if (patch.updatedAt !== undefined) row.updated_at = patch.updatedAt;
  if (patch.startedAt !== undefined) row.started_at = patch.startedAt;
  if (patch.endedAt !== undefined) row.ended_at = patch.endedAt;
  return row;
}

export function agentFromRow(row: AgentsTable): AgentRecord {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    queues: JSON.parse(row.queues_json) as string[],
    gpus: JSON.parse(row.gpus_json) as Gpu[],
    cpuSlots: Number(row.cpu_slots),
    labels: JSON.parse(row.labels_json) as Record<string, string>,
    state: row.state as AgentRecord["state"],
    registeredAt: Number(row.registered_at),
    heartbeatAt: Number(row.heartbeat_at),
  };
}

export function agentToRow(agent: AgentRecord): AgentsTable {
  return {
    id: agent.id,
    name: agent.name,
    host: agent.host,
    queues_json: JSON.stringify(agent.queues),
    gpus_json: JSON.stringify(agent.gpus),
    cpu_slots: agent.cpuSlots,
    labels_json: JSON.stringify(agent.labels),
    state: agent.state,
    registered_at: agent.registeredAt,
    heartbeat_at: agent.heartbeatAt,
  };
}
