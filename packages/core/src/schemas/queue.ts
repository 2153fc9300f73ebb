/**
 * The queue (DESIGN.md §4, §7): jobs, each tied to one run, claimed by agents with leases that
 * heartbeats renew; agents with their GPUs; named queues with concurrency limits.
 */
import { z } from "zod";
import { configSchema, epochMs, pageTokenSchema, projectNameSchema, runIdSchema } from "./common.js";
import { tagsInput } from "./runs.js";

/** Job, agent and sweep ids: 32 lowercase hex characters, like run ids. */
export const queueIdSchema = z.string().regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex characters");

export const queueNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-', starting with a letter or digit");

export const jobStates = ["queued", "leased", "running", "succeeded", "failed", "cancelled"] as const;
export const jobStateSchema = z.enum(jobStates);
export type JobState = z.infer<typeof jobStateSchema>;
export const finalJobStates: readonly JobState[] = ["succeeded", "failed", "cancelled"];

export const resourcesSchema = z
  .strictObject({
    /** GPUs the job needs on one machine; 0 runs it on a CPU slot. */
    gpus: z.number().int().min(0).max(64).default(0),
    /** CPU slots (used when gpus is 0; informative otherwise). */
    cpus: z.number().int().min(1).max(4096).default(1),
  })
  .meta({ id: "JobResources" });
export type JobResources = z.output<typeof resourcesSchema>;

/** A command: a command line (split with shell-like quoting, never run through a shell) or argv. */
export const commandInputSchema = z.union([
  z.string().min(1).max(10_000),
  z.array(z.string().max(10_000)).min(1).max(1000),
]);

export const jobSchema = z
  .object({
    id: queueIdSchema,
    runId: runIdSchema,
    project: projectNameSchema,
    queue: queueNameSchema,
    /** argv with placeholders (`${config_file}`, `${run_id}`, `${config.KEY}`) not yet filled in. */
    command: z.array(z.string()),
    config: configSchema,
    resources: resourcesSchema,
    /** Higher first; ties in order of creation. */
    priority: z.number().int(),
    state: jobStateSchema,
    /** Claims so far (an expired lease counts; a hand-back by a stopping agent does not). */
    attempts: z.number().int().min(0),
    maxAttempts: z.number().int().min(1),
    /** Set by a cancel while the job is leased or running: its agent stops it. */
    cancelRequested: z.boolean(),
    agentId: queueIdSchema.nullable(),
    /** GPU indices on the agent's machine (CUDA_VISIBLE_DEVICES). */
    gpuIndices: z.array(z.number().int().min(0)),
    leaseExpiresAt: epochMs.nullable(),
    exitCode: z.number().int().nullable(),
    /** Why the job failed or was cancelled, in words. */
    error: z.string().nullable(),
    sweepId: queueIdSchema.nullable(),
    createdAt: epochMs,
    updatedAt: epochMs,
    startedAt: epochMs.nullable(),
    endedAt: epochMs.nullable(),
  })
  .meta({ id: "Job" });
export type Job = z.infer<typeof jobSchema>;

export const enqueueJobsBody = z
  .strictObject({
    project: projectNameSchema,
    command: commandInputSchema,
    /** Defaults; `overrides` are applied over them. */
    config: configSchema.default({}),
    /** Dotted overrides `model.depth=3`; a comma list (`lr=0.1,0.01`) expands to a grid: one job per combination. */
    overrides: z.array(z.string().min(1).max(10_000)).max(100).default([]),
    queue: queueNameSchema.default("default"),
    resources: resourcesSchema.default({ gpus: 0, cpus: 1 }),
    priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
    maxAttempts: z.number().int().min(1).max(100).default(3),
    /** Run name (a grid gets `name-1`, `name-2`…); generated when absent. */
    name: z.string().min(1).max(250).optional(),
    group: z.string().max(250).optional(),
    tags: tagsInput.optional(),
  })
  .meta({ id: "EnqueueJobsBody" });

export const jobListSchema = z.object({ jobs: z.array(jobSchema), nextPageToken: pageTokenSchema.nullable() });

export const listJobsQuery = z.object({
  queue: queueNameSchema.optional(),
  project: projectNameSchema.optional(),
  /** Comma-separated states, e.g. `queued,running`. */
  state: z
    .string()
    .max(200)
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const states = s.split(",").map((x) => x.trim());
      for (const st of states) {
        if (!(jobStates as readonly string[]).includes(st)) {
          ctx.addIssue({ code: "custom", message: `unknown job state '${st}' (one of ${jobStates.join(", ")})` });
          return z.NEVER;
        }
      }
      return states as JobState[];
    }),
  sweepId: queueIdSchema.optional(),
  agentId: queueIdSchema.optional(),
  pageToken: pageTokenSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const updateJobBody = z.strictObject({ priority: z.number().int().min(-1_000_000).max(1_000_000) });

export const cancelJobBody = z
  .strictObject({
    /** `pruned` is what a sweep's early stopping sends: the run ends as pruned rather than killed. */
    reason: z.enum(["cancelled", "pruned"]).default("cancelled"),
  })
  // A POST without a body arrives as null.
  .nullish()
  .transform((body) => body ?? { reason: "cancelled" as const });

// ── Agents ────────────────────────────────────────────────────────────────────────────────
export const gpuSchema = z
  .object({
    index: z.number().int().min(0),
    uuid: z.string().max(200),
    name: z.string().max(200),
    memoryTotalMiB: z.number().min(0),
    memoryUsedMiB: z.number().min(0),
    utilizationPercent: z.number().min(0).max(100).nullable(),
  })
  .meta({ id: "Gpu" });
export type Gpu = z.infer<typeof gpuSchema>;

export const registerAgentBody = z
  .strictObject({
    name: z.string().min(1).max(200),
    host: z.string().min(1).max(255),
    queues: z.array(queueNameSchema).min(1).max(100).default(["default"]),
    gpus: z.array(gpuSchema).max(64),
    /** CPU slots offered to jobs that need no GPU. */
    cpuSlots: z.number().int().min(0).max(4096),
    labels: z.record(z.string().max(100), z.string().max(1000)).default({}),
    version: z.string().max(100).optional(),
  })
  .meta({ id: "RegisterAgentBody" });

export const agentStates = ["online", "draining", "offline"] as const;
export const agentSchema = z
  .object({
    id: queueIdSchema,
    name: z.string(),
    host: z.string(),
    queues: z.array(queueNameSchema),
    gpus: z.array(gpuSchema),
    cpuSlots: z.number().int(),
    labels: z.record(z.string(), z.string()),
    state: z.enum(agentStates),
    registeredAt: epochMs,
    heartbeatAt: epochMs,
    /** Jobs the agent holds now (leased or running). */
    jobs: z.array(
      z.object({ jobId: queueIdSchema, runId: runIdSchema, state: jobStateSchema, gpuIndices: z.array(z.number()) }),
    ),
  })
  .meta({ id: "Agent" });
export type Agent = z.infer<typeof agentSchema>;

export const registerAgentResult = z.object({
  agent: agentSchema,
  /** Send a heartbeat at least this often, or the agent's leases expire. */
  heartbeatIntervalMs: z.number().int().positive(),
  leaseTimeoutMs: z.number().int().positive(),
});

export const agentHeartbeatBody = z.strictObject({
  /** Fresh GPU readings (utilisation, memory). */
  gpus: z.array(gpuSchema).max(64).optional(),
  /** Stops new claims; running jobs carry on. */
  draining: z.boolean().optional(),
});

export const agentHeartbeatResult = z.object({
  /** Jobs of this agent whose lease was renewed, with cancellation requests to act on. */
  jobs: z.array(
    z.object({
      jobId: queueIdSchema,
      cancelRequested: z.boolean(),
      leaseExpiresAt: epochMs,
      /** Why the job is to stop when cancelRequested: the agent finishes it with this outcome (absent: "cancelled"). */
      cancelReason: z.enum(["cancelled", "pruned"]).nullable().optional(),
    }),
  ),
  /** Jobs the agent still runs but no longer holds (lease expired, re-queued elsewhere): stop them. */
  lost: z.array(queueIdSchema),
});

export const claimJobBody = z.strictObject({
  /** GPU indices free on the agent now (not used by its jobs, not busy with other work). */
  freeGpus: z.array(z.number().int().min(0)).max(64),
  freeCpuSlots: z.number().int().min(0).max(4096),
  /** Long poll: wait up to this long for a job (0 answers at once). */
  waitMs: z.number().int().min(0).max(60_000).default(0),
});

export const claimJobResult = z.object({
  /** The claimed job, leased to this agent with `gpuIndices` chosen from the free ones; null when none fits. */
  job: jobSchema.nullable(),
});

export const startJobBody = z.strictObject({
  agentId: queueIdSchema,
  host: z.string().min(1).max(255),
  pid: z.number().int().positive().optional(),
  /** The command line as run (placeholders filled in). */
  command: z.string().max(100_000).optional(),
});

export const jobOutcomes = ["succeeded", "failed", "cancelled", "pruned"] as const;
export const finishJobBody = z.strictObject({
  agentId: queueIdSchema,
  outcome: z.enum(jobOutcomes),
  exitCode: z.number().int().nullable().optional(),
  /** e.g. "killed by SIGKILL", "command not found: pyhton". */
  error: z.string().max(10_000).optional(),
});

export const releaseJobBody = z.strictObject({
  agentId: queueIdSchema,
  /** Why the job is handed back (agent shutting down). The attempt is not counted. */
  reason: z.string().max(1000).default("agent stopped"),
});

// ── Queues ────────────────────────────────────────────────────────────────────────────────
export const queueSummarySchema = z
  .object({
    name: queueNameSchema,
    /** Jobs of this queue that may be leased or running at once; null for no limit. */
    concurrencyLimit: z.number().int().min(1).nullable(),
    counts: z.record(jobStateSchema, z.number().int()),
  })
  .meta({ id: "QueueSummary" });

export const queueListSchema = z.object({ queues: z.array(queueSummarySchema) });
export const putQueueBody = z.strictObject({ concurrencyLimit: z.number().int().min(1).max(1_000_000).nullable() });
export const agentListSchema = z.object({ agents: z.array(agentSchema) });
export const listAgentsQuery = z.object({
  /** Agents whose heartbeat stopped longer ago are left out unless asked for. */
  includeOffline: z.union([z.boolean(), z.enum(["true", "false", "1", "0"])]).optional(),
});
