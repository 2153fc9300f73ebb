import { z } from "zod";
import { booleanQuery, epochMs, pageTokenSchema, runIdSchema } from "./common.js";

/**
 * The model registry (docs/registry.md): registered models, their numbered versions (each one a
 * run's artifact, pinned by digest), stages, aliases and tags. The MLflow registry endpoints are an
 * adapter over the same records.
 */

/** Any printable name up to 255 characters (MLflow allows slashes and spaces; URL-encode it in paths). */
export const modelNameSchema = z
  .string()
  .min(1)
  .max(255)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]+$/, "must not contain control characters");

export const modelAliasSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "letters, digits, '_' and '-', not starting with a digit");

export const registryTagKeySchema = z.string().min(1).max(250);
export const registryTagValueSchema = z.string().max(100_000);
export const registryTagsSchema = z.record(registryTagKeySchema, registryTagValueSchema);

export const modelStages = ["None", "Staging", "Production", "Archived"] as const;
export const modelStageSchema = z.enum(modelStages);
export type ModelStage = z.infer<typeof modelStageSchema>;

export const modelVersionNumberSchema = z.coerce.number().int().min(1);

export const modelVersionSchema = z
  .object({
    model: z.string(),
    version: z.number().int(),
    runId: z.string(),
    /** The run's project; null when the run was purged (the version and its bytes remain). */
    project: z.string().nullable(),
    /** Artifact path inside the run: one file, or a folder (every file under it). */
    path: z.string(),
    /** sha256 of the artifact when the path is one file. */
    sha256: z.string().nullable(),
    /** Bytes pinned by this version (the file, or every file under the folder). */
    size: z.number(),
    fileCount: z.number().int(),
    /** Where the version came from, as given (e.g. `runs:/<run>/model`); defaults to `runs:/<run>/<path>`. */
    source: z.string(),
    description: z.string(),
    tags: registryTagsSchema,
    status: z.literal("READY"),
    stage: modelStageSchema,
    aliases: z.array(z.string()),
    /** The run's last metric values when the version was registered. */
    metrics: z.record(z.string(), z.number().nullable()),
    createdAt: epochMs,
    updatedAt: epochMs,
  })
  .meta({ id: "ModelVersion" });
export type ModelVersion = z.infer<typeof modelVersionSchema>;

export const registeredModelSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    tags: registryTagsSchema,
    /** alias → version number */
    aliases: z.record(z.string(), z.number().int()),
    latestVersion: modelVersionSchema.nullable(),
    versionCount: z.number().int(),
    createdAt: epochMs,
    updatedAt: epochMs,
    deletedAt: epochMs.nullable(),
  })
  .meta({ id: "RegisteredModel" });
export type RegisteredModel = z.infer<typeof registeredModelSchema>;

export const listModelsQuery = z.object({
  /** Case-insensitive substring of the name. */
  q: z.string().max(255).optional(),
  includeDeleted: booleanQuery.default(false),
  pageToken: pageTokenSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ListModelsQuery = z.infer<typeof listModelsQuery>;

export const modelListSchema = z.object({
  models: z.array(registeredModelSchema),
  nextPageToken: z.string().nullable(),
});
export type ModelList = z.infer<typeof modelListSchema>;

export const createModelBody = z.object({
  name: modelNameSchema,
  description: z.string().max(100_000).default(""),
  tags: registryTagsSchema.default({}),
});
export type CreateModelBody = z.input<typeof createModelBody>;

export const updateModelBody = z.object({
  newName: modelNameSchema.optional(),
  description: z.string().max(100_000).optional(),
  /** Tags to set (others are kept). */
  tags: registryTagsSchema.optional(),
  removeTags: z.array(registryTagKeySchema).max(1000).optional(),
});
export type UpdateModelBody = z.input<typeof updateModelBody>;

export const listVersionsQuery = z.object({
  pageToken: pageTokenSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const modelVersionListSchema = z.object({
  versions: z.array(modelVersionSchema),
  nextPageToken: z.string().nullable(),
});
export type ModelVersionList = z.infer<typeof modelVersionListSchema>;

export const createModelVersionBody = z.object({
  runId: runIdSchema,
  /** Artifact path in the run: a file or a folder. */
  path: z.string().min(1).max(1024),
  description: z.string().max(100_000).default(""),
  tags: registryTagsSchema.default({}),
  source: z.string().max(2048).optional(),
});
export type CreateModelVersionBody = z.input<typeof createModelVersionBody>;

export const updateModelVersionBody = z.object({
  description: z.string().max(100_000).optional(),
  tags: registryTagsSchema.optional(),
  removeTags: z.array(registryTagKeySchema).max(1000).optional(),
  stage: modelStageSchema.optional(),
  /** With stage Staging or Production: move the other versions in that stage to Archived. */
  archiveExistingVersions: z.boolean().default(false),
});
export type UpdateModelVersionBody = z.input<typeof updateModelVersionBody>;

export const setModelAliasBody = z.object({ version: z.number().int().min(1) });

export const runModelVersionsSchema = z.object({ versions: z.array(modelVersionSchema).max(1000) });

export const modelVersionFileSchema = z.object({
  /** Path inside the run. */
  path: z.string(),
  sha256: z.string(),
  size: z.number(),
});

export const modelVersionFilesSchema = z.object({
  files: z.array(modelVersionFileSchema),
  nextPageToken: z.string().nullable(),
});

export const downloadModelVersionQuery = z.object({
  /** A file of a folder version (its path in the run); omitted for a one-file version. */
  path: z.string().max(1024).optional(),
});
