import { z } from "zod";
import {
  booleanQuery,
  configSchema,
  epochMs,
  metricKeySchema,
  projectNameSchema,
  runIdSchema,
  tagKeySchema,
  tagValueSchema,
  wireFloat,
} from "./common.js";

export const runStatuses = ["queued", "running", "finished", "failed", "killed", "crashed", "pruned"] as const;
export const runStatusSchema = z.enum(runStatuses);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const endStatuses: readonly RunStatus[] = ["finished", "failed", "killed", "crashed", "pruned"];

/** Where a run came from: decides heartbeat semantics (MLflow runs are never marked crashed). */
export const runOriginSchema = z.enum(["sdk", "queue", "mlflow", "import"]);
export type RunOrigin = z.infer<typeof runOriginSchema>;

export const tagsSchema = z.record(tagKeySchema, tagValueSchema);
/** The SDK and API accept `["baseline"]` as shorthand for `{ baseline: "" }`. */
export const tagsInput = z
  .union([tagsSchema, z.array(tagKeySchema).max(1000)])
  .transform((t): Record<string, string> => (Array.isArray(t) ? Object.fromEntries(t.map((k) => [k, ""])) : t));

export const gitInfoSchema = z
  .object({
    commit: z.string().max(100).nullable(),
    branch: z.string().max(500).nullable(),
    remote: z.string().max(2000).nullable(),
    dirty: z.boolean(),
    diff: z.string().max(10_000_000).nullable(),
  })
  .meta({ id: "GitInfo" });
export type GitInfo = z.infer<typeof gitInfoSchema>;

export const environmentSchema = z
  .object({
    host: z.string().max(500).optional(),
    os: z.string().max(500).optional(),
    runtime: z.string().max(500).optional(),
    user: z.string().max(500).optional(),
    cwd: z.string().max(4000).optional(),
    vars: z.record(z.string(), z.string()).optional(),
  })
  .catchall(z.unknown())
  .meta({ id: "RunEnvironment" });

export const metricSummarySchema = z
  .object({
    key: metricKeySchema,
    count: z.number().int(),
    nanCount: z.number().int(),
    last: wireFloat.nullable(),
    lastStep: z.number().nullable(),
    lastTime: z.number().nullable(),
    min: wireFloat.nullable(),
    max: wireFloat.nullable(),
    mean: wireFloat.nullable(),
    /** min or max per the project's metric definition; absent when the key has no goal. */
    best: wireFloat.nullable().optional(),
  })
  .meta({ id: "MetricSummary" });
export type MetricSummary = z.infer<typeof metricSummarySchema>;

export const runSchema = z
  .object({
    id: runIdSchema,
    project: projectNameSchema,
    name: z.string(),
    status: runStatusSchema,
    origin: runOriginSchema,
    group: z.string().nullable(),
    tags: tagsSchema,
    notes: z.string(),
    config: configSchema,
    createdAt: epochMs,
    startedAt: epochMs.nullable(),
    endedAt: epochMs.nullable(),
    heartbeatAt: epochMs.nullable(),
    updatedAt: epochMs,
    deletedAt: epochMs.nullable(),
    host: z.string().nullable(),
    command: z.string().nullable(),
    git: gitInfoSchema.nullable(),
    environment: environmentSchema.nullable(),
    parentRunId: runIdSchema.nullable(),
    resumedFrom: runIdSchema.nullable(),
    metrics: z.record(z.string(), metricSummarySchema),
  })
  .meta({ id: "Run" });
export type Run = z.infer<typeof runSchema>;

const runNameSchema = z.string().max(500);
const notesSchema = z.string().max(1_000_000);
const groupSchema = z.string().max(500);

export const createRunBody = z.object({
  project: projectNameSchema,
  /** Optional client-chosen id (idempotent init: the same id twice returns the existing run). */
  id: runIdSchema.optional(),
  name: runNameSchema.optional(),
  group: groupSchema.nullable().optional(),
  tags: tagsInput.optional(),
  notes: notesSchema.optional(),
  config: configSchema.optional(),
  status: z.enum(["queued", "running"]).default("running"),
  origin: runOriginSchema.default("sdk"),
  host: z.string().max(500).nullable().optional(),
  command: z.string().max(100_000).nullable().optional(),
  git: gitInfoSchema.nullable().optional(),
  environment: environmentSchema.nullable().optional(),
  parentRunId: runIdSchema.nullable().optional(),
  resumedFrom: runIdSchema.nullable().optional(),
  startedAt: epochMs.optional(),
});
export type CreateRunBody = z.input<typeof createRunBody>;

export const updateRunBody = z
  .object({
    status: runStatusSchema.optional(),
    /** Must be true to move an ended run back to `running` (DESIGN.md §4). */
    resume: z.boolean().optional(),
    name: runNameSchema.optional(),
    group: groupSchema.nullable().optional(),
    notes: notesSchema.optional(),
    /** Tags to set (merged); `removeTags` lists keys to delete. */
    tags: tagsInput.optional(),
    removeTags: z.array(tagKeySchema).max(1000).optional(),
    /** Config changes merged by dotted path; kept as history. A null value removes the path. */
    config: configSchema.optional(),
    endedAt: epochMs.optional(),
    /** Where the run actually started (a queued run attached to by the SDK on its machine). */
    startedAt: epochMs.optional(),
    host: z.string().max(500).nullable().optional(),
    command: z.string().max(100_000).nullable().optional(),
    git: gitInfoSchema.nullable().optional(),
    environment: environmentSchema.nullable().optional(),
  })
  .strict();
export type UpdateRunBody = z.input<typeof updateRunBody>;

export const configChangeSchema = z
  .object({
    at: epochMs,
    actor: z.string(),
    changes: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })),
  })
  .meta({ id: "ConfigChange" });

export const searchRunsBody = z.object({
  project: projectNameSchema,
  filter: z.string().max(10_000).default(""),
  /** Comma-separated sort keys, `-` for descending: `-metrics.val/acc.max,name`. */
  sort: z.string().max(2000).default("-createdAt"),
  pageToken: z.string().max(2000).optional(),
  offset: z.number().int().min(0).max(10_000_000).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  includeDeleted: z.boolean().default(false),
  /** Ask for the total number of matching runs (costs a count query). */
  withTotal: z.boolean().default(false),
});
export type SearchRunsBody = z.input<typeof searchRunsBody>;

export const searchRunsQuery = z.object({
  filter: z.string().max(10_000).default(""),
  sort: z.string().max(2000).default("-createdAt"),
  pageToken: z.string().max(2000).optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  includeDeleted: booleanQuery.default(false),
  withTotal: booleanQuery.default(false),
});

export const runListSchema = z.object({
  runs: z.array(runSchema),
  nextPageToken: z.string().nullable(),
  total: z.number().int().nullable(),
});
export type RunList = z.infer<typeof runListSchema>;
