import { z } from "zod";
import { booleanQuery, epochMs, metricKeySchema, pageTokenSchema, runIdSchema } from "./common.js";
import { partChecksumSchema } from "./part-checksum.js";
import { metricGoalSchema } from "./projects.js";

/**
 * Wire shapes of artifacts and checkpoints (docs/artifacts.md): content-addressed blobs (sha256),
 * a per-run file tree, resumable multipart uploads, checkpoints with retention, lineage and
 * storage usage. Sizes are bytes, times epoch milliseconds.
 */

export const MAX_ARTIFACT_PATH_LENGTH = 1024;
export const MAX_ARTIFACT_SEGMENT_LENGTH = 255;
/** Upload parts: 8 MiB unless asked otherwise; between 64 KiB and 512 MiB; at most 10,000 parts. */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
export const MIN_PART_SIZE = 64 * 1024;
export const MAX_PART_SIZE = 512 * 1024 * 1024;
export const MAX_PARTS = 10_000;
/** Why an artifact path is refused, or null when it is acceptable. Shared by server and clients. */
export function artifactPathProblem(path: string): string | null {
  if (path.length === 0) return "must not be empty";
  if (path.length > MAX_ARTIFACT_PATH_LENGTH) return `must be at most ${MAX_ARTIFACT_PATH_LENGTH} characters`;
  if (path.includes("\u0000")) return "must not contain NUL bytes";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0001-\u001f\u007f]/.test(path)) return "must not contain control characters";
  if (path.includes("\\")) return "must use '/' as separator, not '\\'";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "must be relative (no leading '/' or drive letter)";
  for (const segment of path.split("/")) {
    if (segment === "") return "must not contain empty segments ('//' or a trailing '/')";
    if (segment === "." || segment === "..") return "must not contain '.' or '..' segments";
    if (segment.length > MAX_ARTIFACT_SEGMENT_LENGTH)
      return `each segment must be at most ${MAX_ARTIFACT_SEGMENT_LENGTH} characters`;
  }
  return null;
}

/** A file path inside a run's artifact tree: relative, '/'-separated, no traversal. */
export const artifactPathSchema = z
  .string()
  .max(MAX_ARTIFACT_PATH_LENGTH * 4)
  .superRefine((path, ctx) => {
    const problem = artifactPathProblem(path);
    if (problem) ctx.addIssue({ code: "custom", message: `artifact path ${problem}` });
  });

/** A folder prefix for listings: an artifact path, optionally ending with '/'. */
export const artifactPrefixSchema = z
  .string()
  .max(MAX_ARTIFACT_PATH_LENGTH)
  .superRefine((prefix, ctx) => {
    if (prefix === "") return;
    const problem = artifactPathProblem(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
    if (problem) ctx.addIssue({ code: "custom", message: `artifact prefix ${problem}` });
  });

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters (sha256)");
export const byteSizeSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const checkpointStepSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const artifactTypes = ["checkpoint", "model", "dataset", "predictions", "file", "code"] as const;
export const artifactTypeSchema = z.enum(artifactTypes);
export type ArtifactType = z.infer<typeof artifactTypeSchema>;

/** `live`: visible; `deleted`: soft-deleted (restorable, still holds its blob); `collected`: removed by retention. */
export const artifactStateSchema = z.enum(["live", "deleted", "collected"]);
export type ArtifactState = z.infer<typeof artifactStateSchema>;

export const artifactMetricsSchema = z.record(metricKeySchema, z.number()).refine((m) => Object.keys(m).length <= 200, {
  message: "at most 200 metrics",
});
export const artifactMetadataSchema = z
  .record(z.string().min(1).max(250), z.unknown())
  .refine((m) => Object.keys(m).length <= 200, { message: "at most 200 metadata keys" });

export const artifactSchema = z
  .object({
    runId: runIdSchema,
    path: z.string(),
    size: byteSizeSchema,
    sha256: sha256Schema,
    type: artifactTypeSchema,
    /** Checkpoints (and any artifact logged with one): the training step. */
    step: z.number().nullable(),
    metrics: z.record(z.string(), z.number()).nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    createdAt: epochMs,
    deletedAt: epochMs.nullable(),
    collectedAt: epochMs.nullable(),
    state: artifactStateSchema,
  })
  .meta({ id: "Artifact" });
export type Artifact = z.infer<typeof artifactSchema>;

// ── Listing ────────────────────────────────────────────────────────────────────────────

export const listArtifactsQuery = z.object({
  /** Only paths starting with this prefix (a folder ends with '/'). */
  prefix: artifactPrefixSchema.optional(),
  type: artifactTypeSchema.optional(),
  /** Include soft-deleted and collected artifacts (their `state` says which). */
  includeDeleted: booleanQuery.default(false),
  pageToken: pageTokenSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** A run's file tree, flat and ordered by path (folders are the '/'-separated prefixes). */
export const artifactListSchema = z
  .object({
    artifacts: z.array(artifactSchema),
    /** Totals over every artifact matching the query (not just this page). */
    totalCount: z.number().int(),
    totalBytes: byteSizeSchema,
    nextPageToken: z.string().nullable(),
  })
  .meta({ id: "ArtifactList" });
export type ArtifactList = z.infer<typeof artifactListSchema>;

export const artifactPathQuery = z.object({ path: artifactPathSchema });
export const downloadArtifactQuery = artifactPathQuery.extend({
  /** Also serve a soft-deleted artifact's bytes (exports); collected ones are gone either way. */
  includeDeleted: booleanQuery.default(false),
});

export const deleteArtifactQuery = z.object({
  path: artifactPathSchema,
  /** true: remove the record now and release its blob (not restorable). */
  purge: booleanQuery.default(false),
});

// ── Uploads ────────────────────────────────────────────────────────────────────────────

const artifactFields = {
  path: artifactPathSchema,
  type: artifactTypeSchema.default("file"),
  /** Required for checkpoints. */
  step: checkpointStepSchema.optional(),
  metrics: artifactMetricsSchema.optional(),
  metadata: artifactMetadataSchema.optional(),
  /** Replace a live artifact at the same path with different content (otherwise 409). */
  overwrite: z.boolean().default(false),
};

export const createUploadBody = z.object({
  ...artifactFields,
  size: byteSizeSchema,
  sha256: sha256Schema,
  partSize: z.number().int().min(MIN_PART_SIZE).max(MAX_PART_SIZE).optional(),
});
export type CreateUploadBody = z.input<typeof createUploadBody>;

export const uploadStateSchema = z.enum(["open", "complete", "aborted"]);

export const uploadSessionSchema = z
  .object({
    uploadId: z.string(),
    runId: runIdSchema,
    path: z.string(),
    size: byteSizeSchema,
    sha256: sha256Schema,
    type: artifactTypeSchema,
    partSize: z.number().int(),
    partCount: z.number().int(),
    /** Part numbers (1-based) the server holds, verified; a resuming client sends the others. */
    receivedParts: z.array(z.number().int()),
    receivedBytes: byteSizeSchema,
    state: uploadStateSchema,
    /** True when the server already had these bytes: the artifact exists and nothing needs sending. */
    deduplicated: z.boolean(),
    createdAt: epochMs,
    expiresAt: epochMs,
    /** The visible artifact once the upload is complete. */
    artifact: artifactSchema.nullable(),
  })
  .meta({ id: "UploadSession" });
export type UploadSession = z.infer<typeof uploadSessionSchema>;

export const uploadParams = z.object({ uploadId: z.string().regex(/^[0-9a-f]{32}$/, "unknown upload id") });
export const uploadPartParams = uploadParams.extend({
  partNumber: z.coerce.number().int().min(1).max(MAX_PARTS),
});

export const uploadPartResult = z.object({
  uploadId: z.string(),
  partNumber: z.number().int(),
  size: byteSizeSchema,
  /** The checksum the part was verified against (the one it was first received with). */
  checksum: partChecksumSchema,
});

/** The one-shot upload for small files: the body is the file, the query describes it. */
export const putArtifactQuery = z.object({
  path: artifactPathSchema,
  sha256: sha256Schema,
  type: artifactTypeSchema.default("file"),
  step: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  /** JSON objects, as for the upload session body. */
  metrics: z.string().max(20_000).optional(),
  metadata: z.string().max(20_000).optional(),
  overwrite: booleanQuery.default(false),
});

export const putArtifactResult = z.object({ artifact: artifactSchema, deduplicated: z.boolean() });

// ── Checkpoints and retention ──────────────────────────────────────────────────────────

/** Why a checkpoint is kept by the retention policy; empty when no policy applies. */
export const retentionReasonSchema = z.enum(["best", "last"]);

export const checkpointSchema = z
  .object({
    runId: runIdSchema,
    step: z.number(),
    /** The checkpoint's folder (the files' common folder), or its single file. */
    path: z.string(),
    metrics: z.record(z.string(), z.number()).nullable(),
    files: z.array(z.object({ path: z.string(), size: byteSizeSchema, sha256: sha256Schema })),
    size: byteSizeSchema,
    createdAt: epochMs,
    state: artifactStateSchema,
    retainedBy: z.array(retentionReasonSchema),
  })
  .meta({ id: "Checkpoint" });
export type Checkpoint = z.infer<typeof checkpointSchema>;

export const retentionPolicySchema = z
  .object({
    /** Keep the n checkpoints with the largest steps. */
    keepLast: z.number().int().min(0).max(100_000).default(1),
    /** Keep the k best checkpoints by `metric` in `direction`. */
    keepBest: z.number().int().min(0).max(100_000).default(0),
    metric: metricKeySchema.nullable().default(null),
    /** Defaults to the project's metric definition goal for `metric`. */
    direction: metricGoalSchema.optional(),
  })
  .meta({ id: "RetentionPolicy" });
export type RetentionPolicyInput = z.input<typeof retentionPolicySchema>;

export const storedRetentionSchema = z.object({
  keepLast: z.number().int(),
  keepBest: z.number().int(),
  metric: z.string().nullable(),
  direction: metricGoalSchema,
  updatedAt: epochMs,
});
export type StoredRetention = z.infer<typeof storedRetentionSchema>;

export const effectiveRetentionSchema = storedRetentionSchema.extend({ scope: z.enum(["project", "run"]) });

export const listCheckpointsQuery = z.object({ includeCollected: booleanQuery.default(true) });
export const checkpointListSchema = z.object({
  checkpoints: z.array(checkpointSchema),
  policy: effectiveRetentionSchema.nullable(),
});

export const retentionResultSchema = z.object({
  policy: storedRetentionSchema.nullable(),
  /** Checkpoints collected by applying the policy now. */
  collected: z.number().int(),
});

export const getRetentionResult = z.object({
  policy: storedRetentionSchema.nullable(),
  /** For a run: the policy in force (its own, else its project's). */
  effective: effectiveRetentionSchema.nullable(),
});

// ── Lineage ────────────────────────────────────────────────────────────────────────────

export const usedArtifactRef = z.union([
  z.object({ runId: runIdSchema, path: artifactPathSchema, role: z.string().max(64).optional() }),
  z.object({ sha256: sha256Schema, role: z.string().max(64).optional() }),
]);

export const recordLineageBody = z.object({ used: z.array(usedArtifactRef).min(1).max(1000) });

export const artifactRefSchema = z.object({
  runId: runIdSchema,
  project: z.string().nullable(),
  path: z.string(),
  type: artifactTypeSchema,
  state: artifactStateSchema,
});

export const usedEdgeSchema = z
  .object({
    sha256: sha256Schema,
    size: byteSizeSchema.nullable(),
    role: z.string().nullable(),
    /** The artifact named when the edge was recorded ({runId, path} form), if any. */
    source: z.object({ runId: runIdSchema, path: z.string() }).nullable(),
    /** Runs whose artifacts hold these bytes: where it came from (oldest first, bounded). */
    producers: z.array(artifactRefSchema),
    usedAt: epochMs,
  })
  .meta({ id: "LineageEdge" });

export const recordLineageResult = z.object({ used: z.array(usedEdgeSchema) });

export const runLineageSchema = z
  .object({
    runId: runIdSchema,
    used: z.array(usedEdgeSchema),
    /** The run's own artifacts (the first 1,000 by path); `consumers` counts runs that used each. */
    produced: z.array(artifactSchema.extend({ consumers: z.number().int() })),
  })
  .meta({ id: "RunLineage" });

export const blobParams = z.object({ sha256: sha256Schema });
export const consumersQuery = z.object({
  pageToken: pageTokenSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const consumersSchema = z.object({
  sha256: sha256Schema,
  producers: z.array(artifactRefSchema),
  consumers: z.array(
    z.object({ runId: runIdSchema, project: z.string().nullable(), role: z.string().nullable(), usedAt: epochMs }),
  ),
  nextPageToken: z.string().nullable(),
});

// ── Storage and quota ──────────────────────────────────────────────────────────────────

export const storageUsageSchema = z
  .object({
    artifactCount: z.number().int(),
    /** Sum of the sizes of live and soft-deleted artifacts (what the quota counts). */
    logicalBytes: byteSizeSchema,
    /** Sum over the distinct blobs they reference: what the store holds for them. */
    uniqueBytes: byteSizeSchema,
    /** Bytes of collected checkpoints and other released artifacts (no longer stored). */
    collectedBytes: byteSizeSchema,
    /** Project only: the quota in force (bytes), null when unlimited. */
    quotaBytes: byteSizeSchema.nullable(),
  })
  .meta({ id: "StorageUsage" });
export type StorageUsage = z.infer<typeof storageUsageSchema>;

export const putQuotaBody = z.object({
  /** Bytes; null removes the project's own quota (the server default applies). */
  quotaBytes: byteSizeSchema.nullable(),
});

export const gcBody = z.object({
  /** Collect blobs unreferenced for at least this long (default: the server's grace period). */
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(365 * 24 * 3600)
    .optional(),
});
export const gcResultSchema = z.object({
  blobsDeleted: z.number().int(),
  bytesFreed: byteSizeSchema,
  uploadsExpired: z.number().int(),
  stagingRemoved: z.number().int(),
});
export type GcResult = z.infer<typeof gcResultSchema>;
