import { z } from "zod";
import { runIdSchema } from "../schemas/common.js";
import { appendLogsBody, appendLogsResult, logPageSchema, readLogsQuery } from "../schemas/logs.js";
import {
  agentHeartbeatBody,
  agentHeartbeatResult,
  agentListSchema,
  agentSchema,
  cancelJobBody,
  claimJobBody,
  claimJobResult,
  enqueueJobsBody,
  finishJobBody,
  jobListSchema,
  jobSchema,
  listAgentsQuery,
  listJobsQuery,
  putQueueBody,
  queueIdSchema,
  queueListSchema,
  queueNameSchema,
  queueSummarySchema,
  registerAgentBody,
  registerAgentResult,
  releaseJobBody,
  startJobBody,
  updateJobBody,
} from "../schemas/queue.js";
import {
  createSweepBody,
  listSweepsQuery,
  listSweepTrialsQuery,
  sweepListSchema,
  sweepSchema,
  sweepTrialListSchema,
} from "../schemas/sweep-api.js";
import type { RouteContract } from "./route-contract.js";

const jobParams = z.object({ jobId: queueIdSchema });
const agentParams = z.object({ agentId: queueIdSchema });
const sweepParams = z.object({ sweepId: queueIdSchema });
const queueParams = z.object({ queue: queueNameSchema });
const runParams = z.object({ runId: runIdSchema });
const okSchema = z.object({ ok: z.literal(true) });

/** Queue, agents, sweeps and run logs (docs/queue.md, docs/sweeps.md). */
export const queueRoutes = {
  // ── Jobs ────────────────────────────────────────────────────────────────────────────────
  enqueueJobs: {
    method: "POST",
    path: "/api/v1/jobs",
    summary:
      "Queue a command: one job (and one queued run) per combination of the comma-list overrides, config defaults + overrides stored on each run",
    body: enqueueJobsBody,
    response: jobListSchema,
    status: 201,
  },
  listJobs: {
    method: "GET",
    path: "/api/v1/jobs",
    summary: "Jobs, newest first, filtered by queue, project, states, sweep or agent",
    query: listJobsQuery,
    response: jobListSchema,
  },
  getJob: { method: "GET", path: "/api/v1/jobs/:jobId", summary: "One job", params: jobParams, response: jobSchema },
  updateJob: {
    method: "PATCH",
    path: "/api/v1/jobs/:jobId",
    summary: "Change a queued job's priority",
    params: jobParams,
    body: updateJobBody,
    response: jobSchema,
  },
  cancelJob: {
    method: "POST",
    path: "/api/v1/jobs/:jobId/cancel",
    summary:
      "Cancel a job: a queued one at once (its run becomes killed, or pruned), a leased or running one by asking its agent (SIGTERM, then SIGKILL). Cancelling a finished job is 409 FAILED_PRECONDITION",
    params: jobParams,
    body: cancelJobBody,
    response: jobSchema,
  },
  requeueJob: {
    method: "POST",
    path: "/api/v1/jobs/:jobId/requeue",
    summary: "Put a failed or cancelled job back in the queue with its attempts reset; its run resumes",
    params: jobParams,
    response: jobSchema,
  },
  // ── Agent protocol ──────────────────────────────────────────────────────────────────────
  registerAgent: {
    method: "POST",
    path: "/api/v1/agents",
    summary: "An agent announces itself with its queues, GPUs and CPU slots",
    body: registerAgentBody,
    response: registerAgentResult,
    status: 201,
  },
  listAgents: {
    method: "GET",
    path: "/api/v1/agents",
    summary: "Agents with their GPUs and the jobs on each",
    query: listAgentsQuery,
    response: agentListSchema,
  },
  getAgent: {
    method: "GET",
    path: "/api/v1/agents/:agentId",
    summary: "One agent",
    params: agentParams,
    response: agentSchema,
  },
  agentHeartbeat: {
    method: "POST",
    path: "/api/v1/agents/:agentId/heartbeat",
    summary: "Renews the leases of every job the agent holds; answers with cancellations and lost jobs",
    params: agentParams,
    body: agentHeartbeatBody,
    response: agentHeartbeatResult,
  },
  claimJob: {
    method: "POST",
    path: "/api/v1/agents/:agentId/claim",
    summary:
      "Lease the next job that fits the agent's free GPUs or CPU slots (priority, then age; queue limits respected); long-polls up to waitMs",
    params: agentParams,
    body: claimJobBody,
    response: claimJobResult,
  },
  deregisterAgent: {
    method: "DELETE",
    path: "/api/v1/agents/:agentId",
    summary: "An agent leaves; jobs it still holds go back to the queue",
    params: agentParams,
    response: okSchema,
  },
  startJob: {
    method: "POST",
    path: "/api/v1/jobs/:jobId/start",
    summary: "The agent has started the job's process: the job and its run become running",
    params: jobParams,
    body: startJobBody,
    response: jobSchema,
  },
  finishJob: {
    method: "POST",
    path: "/api/v1/jobs/:jobId/finish",
    summary: "The job's process ended (idempotent): succeeded, failed, cancelled or pruned; the run ends to match",
    params: jobParams,
    body: finishJobBody,
    response: jobSchema,
  },
  releaseJob: {
    method: "POST",
    path: "/api/v1/jobs/:jobId/release",
    summary: "A stopping agent hands a job back: queued again, attempt not counted, resumed later",
    params: jobParams,
    body: releaseJobBody,
    response: jobSchema,
  },
  // ── Queues ──────────────────────────────────────────────────────────────────────────────
  listQueues: {
    method: "GET",
    path: "/api/v1/queues",
    summary: "Queues with job counts by state and their concurrency limits",
    response: queueListSchema,
  },
  putQueue: {
    method: "PUT",
    path: "/api/v1/queues/:queue",
    summary: "Set a queue's concurrency limit (null removes it)",
    params: queueParams,
    body: putQueueBody,
    response: queueSummarySchema,
  },
  // ── Sweeps ──────────────────────────────────────────────────────────────────────────────
  createSweep: {
    method: "POST",
    path: "/api/v1/sweeps",
    summary: "Start a sweep from the text of a sweep.yaml or from its document",
    body: createSweepBody,
    response: sweepSchema,
    status: 201,
  },
  listSweeps: {
    method: "GET",
    path: "/api/v1/sweeps",
    summary: "Sweeps, newest first",
    query: listSweepsQuery,
    response: sweepListSchema,
  },
  getSweep: {
    method: "GET",
    path: "/api/v1/sweeps/:sweepId",
    summary: "A sweep's progress and best trial so far",
    params: sweepParams,
    response: sweepSchema,
  },
  listSweepTrials: {
    method: "GET",
    path: "/api/v1/sweeps/:sweepId/trials",
    summary: "A sweep's trials in order of proposal, with their parameters and objective values",
    params: sweepParams,
    query: listSweepTrialsQuery,
    response: sweepTrialListSchema,
  },
  cancelSweep: {
    method: "POST",
    path: "/api/v1/sweeps/:sweepId/cancel",
    summary: "Stop proposing trials and cancel the sweep's queued and running jobs",
    params: sweepParams,
    response: sweepSchema,
  },
  // ── Run logs ────────────────────────────────────────────────────────────────────────────
  appendLogs: {
    method: "POST",
    path: "/api/v1/runs/:runId/logs",
    summary: "Append stdout/stderr lines to a run's log (a batch is stored whole; a batchId makes retries idempotent)",
    params: runParams,
    body: appendLogsBody,
    response: appendLogsResult,
  },
  readLogs: {
    method: "GET",
    path: "/api/v1/runs/:runId/logs",
    summary: "A page of a run's log lines after a sequence number, or its last N lines",
    params: runParams,
    query: readLogsQuery,
    response: logPageSchema,
  },
} as const satisfies Record<string, RouteContract>;
