import { z } from "zod";
import { epochMs, metricKeySchema, runIdSchema, wireFloat } from "./common.js";

export const MAX_POINTS_PER_BATCH = 10_000;

/** A step is a finite number (usually an integer; fractional steps such as epochs are allowed). */
/** zod 4's number rejects NaN and ±Infinity, so a step is always finite. */
export const stepSchema = z.number();

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f]/;

/**
 * Keys of ingested points: the control-character check of metricKeySchema runs once per distinct
 * key of a batch (in logMetricsBody) rather than once per point, which made validation 3× slower.
 */
export const metricPointInput = z.object({
  key: z.string().min(1).max(250),
  step: stepSchema,
  value: wireFloat,
  /** Wall time, epoch ms; the server's clock when absent. */
  time: epochMs.optional(),
});
export type MetricPointInput = z.infer<typeof metricPointInput>;

/** Most series one columnar batch may carry (each one key). */
export const MAX_SERIES_PER_BATCH = 1_000;

/**
 * The columnar form of a batch: one entry per key with parallel arrays. It is what the SDK
 * sends — a JSON array of numbers parses about 3× faster than the same points as objects.
 */
export const metricSeriesInput = z.object({
  key: z.string().min(1).max(250),
  steps: z.array(stepSchema).max(MAX_POINTS_PER_BATCH),
  values: z.array(wireFloat).max(MAX_POINTS_PER_BATCH),
  /** Wall times, epoch ms, one per step; the server's clock for every point when absent. */
  times: z.array(epochMs).max(MAX_POINTS_PER_BATCH).optional(),
});
export type MetricSeriesInput = z.infer<typeof metricSeriesInput>;

export const logMetricsBody = z
  .object({
    /** Client-chosen id; a retried batch with the same id is a no-op (DESIGN.md §2.1). */
    batchId: z.string().min(1).max(200).optional(),
    /** Points as objects. A batch may carry `points`, `series` or both. */
    points: z.array(metricPointInput).max(MAX_POINTS_PER_BATCH).default([]),
    /** Points as columns, one entry per key (the SDK's form). */
    series: z.array(metricSeriesInput).max(MAX_SERIES_PER_BATCH).optional(),
  })
  .superRefine((body, ctx) => {
    const checked = new Set<string>();
    const checkKey = (key: string, path: (string | number)[]) => {
      if (checked.has(key)) return;
      checked.add(key);
      if (controlCharacter.test(key))
        ctx.addIssue({ code: "custom", path, message: "must not contain control characters" });
    };
    body.points.forEach((point, index) => {
      checkKey(point.key, ["points", index, "key"]);
    });
    let total = body.points.length;
    body.series?.forEach((series, index) => {
      checkKey(series.key, ["series", index, "key"]);
      const n = series.steps.length;
      total += n;
      if (series.values.length !== n) {
        ctx.addIssue({
          code: "custom",
          path: ["series", index, "values"],
          message: `has ${series.values.length} values for ${n} steps; the arrays must have the same length`,
        });
      }
      if (series.times !== undefined && series.times.length !== n) {
        ctx.addIssue({
          code: "custom",
          path: ["series", index, "times"],
          message: `has ${series.times.length} times for ${n} steps; the arrays must have the same length`,
        });
      }
    });
    if (total > MAX_POINTS_PER_BATCH) {
      ctx.addIssue({
        code: "custom",
        path: ["series"],
        message: `a batch holds at most ${MAX_POINTS_PER_BATCH} points; this one has ${total}`,
      });
    }
  });
export type LogMetricsBody = z.infer<typeof logMetricsBody>;

export const logMetricsResult = z.object({
  /** Points stored by this request (after dropping exact duplicates). */
  stored: z.number().int(),
  /** True when the batch id had been seen already and nothing was written. */
  duplicateBatch: z.boolean(),
});

export const metricPointSchema = z
  .object({ step: z.number(), value: wireFloat, time: epochMs })
  .meta({ id: "MetricPoint" });
export type MetricPoint = z.infer<typeof metricPointSchema>;

export const MAX_BUCKETS = 10_000;

export const bucketSchema = z
  .object({
    startStep: z.number(),
    endStep: z.number(),
    count: z.number().int(),
    /** Over values that are not NaN (±Infinity included); null when the bucket holds none. */
    min: wireFloat.nullable(),
    max: wireFloat.nullable(),
    first: metricPointSchema,
    last: metricPointSchema,
    /** Points in the bucket whose value is NaN. */
    nanCount: z.number().int(),
  })
  .meta({ id: "Bucket" });
export type Bucket = z.infer<typeof bucketSchema>;

export const seriesWindowQuery = z.object({
  key: metricKeySchema,
  buckets: z.coerce.number().int().min(1).max(MAX_BUCKETS).default(1000),
  startStep: z.coerce.number().refine(Number.isFinite).optional(),
  endStep: z.coerce.number().refine(Number.isFinite).optional(),
});

export const seriesWindowSchema = z
  .object({
    runId: runIdSchema,
    key: metricKeySchema,
    /** True when points were aggregated into buckets; false when every bucket is one exact point. */
    sampled: z.boolean(),
    /** Number of points in the window. */
    totalPoints: z.number().int(),
    buckets: z.array(bucketSchema),
  })
  .meta({ id: "SeriesWindow" });
export type SeriesWindow = z.infer<typeof seriesWindowSchema>;

export const MAX_SERIES_PER_QUERY = 500;

export const seriesQueryBody = z.object({
  series: z
    .array(z.object({ runId: runIdSchema, key: metricKeySchema }))
    .min(1)
    .max(MAX_SERIES_PER_QUERY),
  buckets: z.number().int().min(1).max(MAX_BUCKETS).default(1000),
  startStep: stepSchema.optional(),
  endStep: stepSchema.optional(),
});
export type SeriesQueryBody = z.input<typeof seriesQueryBody>;

export const seriesQueryResult = z.object({ series: z.array(seriesWindowSchema) });

export const pointsQuery = z.object({
  key: metricKeySchema,
  startStep: z.coerce.number().refine(Number.isFinite).optional(),
  endStep: z.coerce.number().refine(Number.isFinite).optional(),
  pageToken: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

export const pointsPageSchema = z.object({
  runId: runIdSchema,
  key: metricKeySchema,
  points: z.array(metricPointSchema),
  nextPageToken: z.string().nullable(),
});
export type PointsPage = z.infer<typeof pointsPageSchema>;

export const exportQuery = z.object({
  format: z.enum(["csv", "json"]).default("csv"),
  keys: z.string().max(100_000).optional(),
});

/** Deletes a run's points after a step (explicit truncation when resuming from a checkpoint). */
export const truncateMetricsBody = z.object({
  /** Points with a step greater than this are deleted; those at it are kept. */
  afterStep: stepSchema,
  /** Only these series (default: every series of the run). */
  keys: z.array(metricKeySchema).min(1).max(MAX_SERIES_PER_BATCH).optional(),
});
export type TruncateMetricsBody = z.input<typeof truncateMetricsBody>;

export const truncateMetricsResult = z.object({
  /** Points deleted; series left empty are removed. */
  deleted: z.number().int(),
});
