import { z } from "zod";
import { artifactPathSchema, artifactTypeSchema, byteSizeSchema, sha256Schema } from "./artifacts.js";
import { epochMs, metricKeySchema, pageTokenSchema, projectNameSchema, runIdSchema, wireFloat } from "./common.js";
import { stepSchema } from "./metrics.js";
import { metricDefinitionSchema } from "./projects.js";
import { configChangeSchema, runSchema } from "./runs.js";

/**
 * Wire shapes of the portability routes (docs/export-format.md): a complete export of runs
 * with their config history, and the import routes that restore records exactly as they were
 * (ids, timestamps, statuses and soft-deletion marks included).
 */

/** The `format` and `version` of an export folder's manifest.json. */
export const EXPORT_FORMAT_NAME = "looplab-export";
export const EXPORT_FORMAT_VERSION = 2;

export const MAX_IMPORT_POINTS_PER_BATCH = 50_000;
export const MAX_CONFIG_CHANGES_PER_RUN = 100_000;

export const importProjectBody = z.object({
  id: z.string().min(1).max(128),
  name: projectNameSchema,
  description: z.string().max(10_000),
  createdAt: epochMs,
  updatedAt: epochMs,
  deletedAt: epochMs.nullable(),
  metricDefinitions: z.array(metricDefinitionSchema).max(10_000),
});
export type ImportProjectBody = z.infer<typeof importProjectBody>;

/**
 * A run record as stored, with its config history (oldest first) and without metric summaries,
 * which the server derives from points. The export listing and the import body share it.
 */
export const exportedRunSchema = runSchema
  .omit({ metrics: true })
  .extend({
    name: z.string().max(500),
    group: z.string().max(500).nullable(),
    notes: z.string().max(1_000_000),
    host: z.string().max(500).nullable(),
    command: z.string().max(100_000).nullable(),
    configHistory: z.array(configChangeSchema).max(MAX_CONFIG_CHANGES_PER_RUN),
  })
  .meta({ id: "ExportedRun" });
export type ExportedRun = z.infer<typeof exportedRunSchema>;

export const exportRunsQuery = z.object({
  pageToken: pageTokenSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const exportRunsResult = z.object({
  /** Every run of the project, soft-deleted ones included, ordered by id. */
  runs: z.array(exportedRunSchema),
  nextPageToken: z.string().nullable(),
});
export type ExportRunsResult = z.infer<typeof exportRunsResult>;

export const importPointSchema = z.object({
  key: metricKeySchema,
  step: stepSchema,
  value: wireFloat,
  /** Wall time, epoch ms: required, an import restores it as it was. */
  time: epochMs,
});

export const importMetricsBody = z.object({
  /** Optional client-chosen id: a retried batch with the same id is a no-op. */
  batchId: z.string().min(1).max(200).optional(),
  points: z.array(importPointSchema).max(MAX_IMPORT_POINTS_PER_BATCH),
});
export type ImportMetricsBody = z.infer<typeof importMetricsBody>;

export const importRunParams = z.object({ runId: runIdSchema });

export const MAX_IMPORT_ARTIFACTS_PER_BATCH = 1000;

/** One artifact record of an export's artifacts/<run id>.jsonl, restored exactly on import. */
export const importedArtifactSchema = z.object({
  path: artifactPathSchema,
  type: artifactTypeSchema,
  sha256: sha256Schema,
  size: byteSizeSchema,
  step: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  metrics: z.record(z.string(), z.number()).nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  createdAt: epochMs,
  deletedAt: epochMs.nullable(),
  /** Collected by retention: the record is restored without bytes. */
  collectedAt: epochMs.nullable(),
});
export type ImportedArtifact = z.infer<typeof importedArtifactSchema>;

/** A lineage edge of an export's lineage.jsonl: what the run used. */
export const importedLineageSchema = z.object({
  sha256: sha256Schema,
  role: z.string().max(64).nullable(),
  source: z.object({ runId: runIdSchema, path: z.string().max(4096) }).nullable(),
  usedAt: epochMs,
});

export const importArtifactsBody = z.object({
  artifacts: z.array(importedArtifactSchema).max(MAX_IMPORT_ARTIFACTS_PER_BATCH),
  lineage: z.array(importedLineageSchema).max(10_000).default([]),
  /**
   * When given, the run's deletion mark is set to this afterwards: an importer imports a
   * soft-deleted run live (uploads need a live run), adds its artifacts, then restores the mark.
   */
  runDeletedAt: epochMs.nullable().optional(),
});
export type ImportArtifactsBody = z.input<typeof importArtifactsBody>;

export const importArtifactsResult = z.object({
  /** Records written (new, or an existing record with the same bytes brought to the exported state). */
  restored: z.number().int(),
  /** Records that were already exactly as given. */
  unchanged: z.number().int(),
  lineage: z.number().int(),
});
export type ImportArtifactsResult = z.infer<typeof importArtifactsResult>;
