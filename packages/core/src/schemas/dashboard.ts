import { z } from "zod";
import { epochMs, projectNameSchema, runIdSchema, tagKeySchema, wireFloat } from "./common.js";
import type { LogsEvent } from "./logs.js";
import { metricGoalSchema } from "./projects.js";
import { runStatusSchema, tagsSchema } from "./runs.js";

/**
 * Wire shapes of the dashboard's public API (docs/dashboard-api.md): live events, key
 * catalogue, group aggregates, saved views and bulk operations.
 */

// ── Live events (Server-Sent Events) ─────────────────────────────────────────────────────

/** Most run ids one event stream may filter on. */
export const MAX_EVENT_RUN_IDS = 1_000;

/** `?runIds=a,b` — comma-separated run ids; absent or empty means every run of the project. */
export const projectEventsQuery = z.object({
  runIds: z
    .string()
    .max(MAX_EVENT_RUN_IDS * 33)
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === "") return undefined;
      const ids = [
        ...new Set(
          text
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      const bad = ids.find((id) => !/^[0-9a-f]{32}$/.test(id));
      if (bad !== undefined) {
        ctx.addIssue({ code: "custom", message: `'${bad}' is not a run id (32 lowercase hex characters)` });
        return z.NEVER;
      }
      if (ids.length > MAX_EVENT_RUN_IDS) {
        ctx.addIssue({ code: "custom", message: `at most ${MAX_EVENT_RUN_IDS} run ids` });
        return z.NEVER;
      }
      return ids;
    }),
});

/** Why a `run` event was sent. */
export const runEventReasonSchema = z.enum(["created", "updated", "status", "deleted", "restored", "crashed"]);
export type RunEventReason = z.infer<typeof runEventReasonSchema>;

/** `event: run` — a run was created, changed, deleted, restored or marked crashed. */
export const runEventSchema = z
  .object({
    runId: runIdSchema,
    project: projectNameSchema,
    reason: runEventReasonSchema,
    status: runStatusSchema,
    name: z.string(),
    tags: tagsSchema,
    group: z.string().nullable(),
    updatedAt: epochMs,
    heartbeatAt: epochMs.nullable(),
    endedAt: epochMs.nullable(),
    deletedAt: epochMs.nullable(),
  })
  .meta({ id: "RunEvent" });
export type RunEvent = z.infer<typeof runEventSchema>;

export const metricsEventKeySchema = z.object({
  key: z.string(),
  lastStep: z.number().nullable(),
  last: wireFloat.nullable(),
  count: z.number().int(),
});

/** `event: metrics` — new points were stored for these keys of a run (coalesced per ~250 ms). */
export const metricsEventSchema = z
  .object({ runId: runIdSchema, project: projectNameSchema, keys: z.array(metricsEventKeySchema) })
  .meta({ id: "MetricsEvent" });
export type MetricsEvent = z.infer<typeof metricsEventSchema>;

/** `event: reset` — events were missed (reconnect gap too old, or the client was too slow): refetch. */
export const resetEventSchema = z
  .object({ reason: z.enum(["gap", "slow-consumer", "server-restart"]) })
  .meta({ id: "ResetEvent" });
export type ResetEvent = z.infer<typeof resetEventSchema>;

/** `event: ready` — first event of every stream, with the id a reconnect resumes after. */
export const readyEventSchema = z.object({ lastEventId: z.string(), resumed: z.boolean() }).meta({ id: "ReadyEvent" });
export type ReadyEvent = z.infer<typeof readyEventSchema>;

export type ProjectEvent =
  | { type: "run"; id: string; data: RunEvent }
  | { type: "metrics"; id: string; data: MetricsEvent }
  | { type: "logs"; id: string; data: LogsEvent }
  | { type: "reset"; id: string; data: ResetEvent }
  | { type: "ready"; id: string; data: ReadyEvent };
export type ProjectEventType = ProjectEvent["type"];

// ── Key catalogue ────────────────────────────────────────────────────────────────────────

export const configValueTypeSchema = z.enum(["number", "string", "boolean", "null", "json"]);

export const projectKeysQuery = z.object({
  /** Most entries per section (config, metrics, tags); `truncated` says when more exist. */
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** Only keys starting with this text (case-sensitive), for autocomplete. */
  prefix: z.string().max(500).optional(),
});

/** A fixed run field usable in filters and sorts. */
export const runFieldSchema = z.object({
  name: z.string(),
  type: z.enum(["string", "time", "duration"]),
  /** True when distinct values can be listed with `keys/values` (status, group, …). */
  values: z.boolean(),
});

export const projectKeysSchema = z
  .object({
    config: z.array(z.object({ path: z.string(), types: z.array(configValueTypeSchema), runs: z.number().int() })),
    metrics: z.array(z.object({ key: z.string(), runs: z.number().int(), goal: metricGoalSchema.optional() })),
    tags: z.array(z.object({ key: z.string(), runs: z.number().int() })),
    fields: z.array(runFieldSchema),
    /** Aggregates a metric field takes: `metrics.<key>.<aggregate>`. */
    metricAggregates: z.array(z.string()),
    truncated: z.object({ config: z.boolean(), metrics: z.boolean(), tags: z.boolean() }),
  })
  .meta({ id: "ProjectKeys" });
export type ProjectKeys = z.infer<typeof projectKeysSchema>;

export const keyValuesQuery = z.object({
  /** `config.<path>`, `tags.<key>`, `status`, `group`, `name` or `host` (filter-language syntax). */
  field: z.string().min(1).max(1_000),
  /** Only values whose text starts with this (case-sensitive). */
  prefix: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(20),
});

export const keyValuesSchema = z
  .object({
    field: z.string(),
    /** Most frequent first; numbers and booleans stay typed; null is the JSON null of config. */
    values: z.array(
      z.object({ value: z.union([z.string(), z.number(), z.boolean(), z.null()]), count: z.number().int() }),
    ),
    truncated: z.boolean(),
  })
  .meta({ id: "KeyValues" });
export type KeyValues = z.infer<typeof keyValuesSchema>;

// ── Group aggregates ─────────────────────────────────────────────────────────────────────

export const MAX_GROUP_FIELDS = 50;

export const runGroupsBody = z.object({
  filter: z.string().max(10_000).default(""),
  /** `config.<path>`, `tags.<key>`, `group`, `status`, `name` or `host`. */
  groupBy: z.string().min(1).max(1_000),
  /** Numeric fields to aggregate: `metrics.<key>[.<aggregate>]`, `config.<path>`, `duration`, … */
  metrics: z.array(z.string().min(1).max(1_000)).max(MAX_GROUP_FIELDS).default([]),
  /** Groups are ordered by count (descending), then value. */
  limit: z.number().int().min(1).max(1_000).default(100),
  offset: z.number().int().min(0).max(1_000_000).default(0),
  includeDeleted: z.boolean().default(false),
});
export type RunGroupsBody = z.input<typeof runGroupsBody>;

export const fieldStatsSchema = z.object({
  /** Number of runs of the group with a numeric value for the field. */
  n: z.number().int(),
  mean: z.number().nullable(),
  /** Sample standard deviation (n − 1); null when n < 2. */
  std: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});
export type FieldStats = z.infer<typeof fieldStatsSchema>;

export const runGroupsResult = z
  .object({
    groupBy: z.string(),
    groups: z.array(
      z.object({
        /** The group's value; null for runs without one. */
        value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
        count: z.number().int(),
        fields: z.record(z.string(), fieldStatsSchema),
      }),
    ),
    /** Number of groups (not runs). */
    total: z.number().int(),
  })
  .meta({ id: "RunGroups" });
export type RunGroups = z.infer<typeof runGroupsResult>;

// ── Saved views ──────────────────────────────────────────────────────────────────────────

export const viewNameSchema = z
  .string()
  .min(1)
  .max(200)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]+$/, "must not contain control characters");

/** The dashboard's URL query state: at most 100 entries, keys ≤ 100 and values ≤ 20,000 characters. */
export const viewStateSchema = z
  .record(z.string().min(1).max(100), z.string().max(20_000))
  .refine((state) => Object.keys(state).length <= 100, "at most 100 entries");

export const savedViewSchema = z
  .object({ name: z.string(), state: z.record(z.string(), z.string()), createdAt: epochMs, updatedAt: epochMs })
  .meta({ id: "SavedView" });
export type SavedView = z.infer<typeof savedViewSchema>;

export const createViewBody = z.object({ name: viewNameSchema, state: viewStateSchema });
export const putViewBody = z.object({ state: viewStateSchema });
export const viewListSchema = z.object({ views: z.array(savedViewSchema) });

// ── Bulk operations ──────────────────────────────────────────────────────────────────────

export const MAX_BULK_RUNS = 1_000;

export const bulkActionSchema = z.enum(["addTags", "removeTags", "delete", "restore"]);

export const bulkRunsBody = z
  .object({
    /** Either explicit run ids … */
    runIds: z.array(runIdSchema).min(1).max(MAX_BULK_RUNS).optional(),
    /** … or every run of a project matching a filter (at most 1,000; more is a 400). */
    project: projectNameSchema.optional(),
    filter: z.string().max(10_000).optional(),
    action: bulkActionSchema,
    /** addTags: a map or a list of labels; removeTags: the keys (a list, or a map whose values are ignored). */
    tags: z.union([z.record(tagKeySchema, z.string().max(5000)), z.array(tagKeySchema).max(1000)]).optional(),
  })
  .superRefine((body, ctx) => {
    const byIds = body.runIds !== undefined;
    const byFilter = body.project !== undefined;
    if (byIds === byFilter) {
      ctx.addIssue({ code: "custom", path: ["runIds"], message: "give either runIds or project (with filter)" });
    }
    if (body.filter !== undefined && !byFilter) {
      ctx.addIssue({ code: "custom", path: ["filter"], message: "filter needs project" });
    }
    const tagAction = body.action === "addTags" || body.action === "removeTags";
    const tagCount = body.tags === undefined ? 0 : Object.keys(body.tags).length;
    if (tagAction && tagCount === 0)
      ctx.addIssue({ code: "custom", path: ["tags"], message: `${body.action} needs tags` });
    if (!tagAction && body.tags !== undefined) {
      ctx.addIssue({ code: "custom", path: ["tags"], message: `${body.action} takes no tags` });
    }
  });
export type BulkRunsBody = z.input<typeof bulkRunsBody>;

export const bulkRunsResult = z
  .object({
    /** Runs the selection named (existing ones). */
    matched: z.number().int(),
    /** Runs the action actually changed. */
    changed: z.number().int(),
    /** Ids of the runs changed. */
    runIds: z.array(runIdSchema),
  })
  .meta({ id: "BulkRunsResult" });
export type BulkRunsResult = z.infer<typeof bulkRunsResult>;
