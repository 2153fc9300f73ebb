/** Sweeps over the API: create from the sweep file's text or from its document, read progress. */
import { z } from "zod";
import { configSchema, epochMs, pageTokenSchema, projectNameSchema, runIdSchema } from "./common.js";
import { queueIdSchema } from "./queue.js";
import { runStatusSchema } from "./runs.js";
import { sweepSpecSchema } from "./sweeps.js";

export const createSweepBody = z
  .union([
    /** The text of a sweep.yaml: errors name its lines. */
    z.strictObject({ yaml: z.string().min(1).max(1_000_000) }),
    z.strictObject({ spec: sweepSpecSchema }),
  ])
  .meta({ id: "CreateSweepBody" });

export const sweepStates = ["running", "finished", "cancelled"] as const;
export const sweepStateSchema = z.enum(sweepStates);

export const sweepTrialSchema = z
  .object({
    /** 1, 2, 3… in order of proposal. */
    number: z.number().int().min(1),
    runId: runIdSchema,
    jobId: queueIdSchema,
    /** The sampled values, by dotted key. */
    params: configSchema,
    status: runStatusSchema,
    /** The objective's best value so far (by its goal), null before the first report. */
    value: z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])]).nullable(),
    /** Step of the last objective report. */
    step: z.number().nullable(),
    createdAt: epochMs,
    endedAt: epochMs.nullable(),
  })
  .meta({ id: "SweepTrial" });

export const sweepSchema = z
  .object({
    id: queueIdSchema,
    name: z.string(),
    project: projectNameSchema,
    spec: sweepSpecSchema,
    state: sweepStateSchema,
    createdAt: epochMs,
    endedAt: epochMs.nullable(),
    /** Trials by run status. */
    counts: z.record(runStatusSchema, z.number().int()),
    trials: z.number().int().min(0),
    best: z
      .object({ runId: runIdSchema, number: z.number().int(), value: z.number(), params: configSchema })
      .nullable(),
    /** Why it stopped early, e.g. "wall time of 2h reached". */
    reason: z.string().nullable(),
  })
  .meta({ id: "Sweep" });
export type Sweep = z.infer<typeof sweepSchema>;

export const sweepListSchema = z.object({ sweeps: z.array(sweepSchema), nextPageToken: pageTokenSchema.nullable() });
export const listSweepsQuery = z.object({
  project: projectNameSchema.optional(),
  pageToken: pageTokenSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const sweepTrialListSchema = z.object({
  trials: z.array(sweepTrialSchema),
  nextPageToken: pageTokenSchema.nullable(),
});
export const listSweepTrialsQuery = z.object({
  pageToken: pageTokenSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
