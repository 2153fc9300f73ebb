import type { ModelStage } from "@looplab/core";

/**
 * Model registry records behind the Store port (docs/registry.md). A version points at a run's
 * artifact path; the digests it pins are stored with it, and artifact GC treats them as
 * references, so the bytes outlive the run.
 */

export interface ModelRecord {
  id: string;
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export interface ModelVersionRecord {
  modelId: string;
  version: number;
  runId: string;
  projectId: string | null;
  path: string;
  sha256: string | null;
  size: number;
  fileCount: number;
  source: string;
  description: string;
  stage: ModelStage;
  metrics: Record<string, number | null> | null;
  createdAt: number;
  updatedAt: number;
}

/** A comparison on a text column: `=`, `!=`, LIKE (case-sensitive) or ILIKE (case-insensitive). */
export interface TextCondition {
  op: "=" | "!=" | "LIKE" | "ILIKE";
  value: string;
}

export interface TagCondition extends TextCondition {
  key: string;
}

export type ModelOrderField = "name" | "createdAt" | "updatedAt";
export type VersionOrderField = "name" | "version" | "createdAt" | "updatedAt";

export interface ModelSearchRequest {
  name: TextCondition[];
  tags: TagCondition[];
  includeDeleted: boolean;
  orderBy: { field: ModelOrderField; desc: boolean }[];
  offset: number;
  limit: number;
}

export interface VersionSearchRequest {
  /** Only versions of these models (by id); undefined for every model. */
  modelIds?: string[] | undefined;
  name: TextCondition[];
  runIds?: { op: "IN" | "NOT IN"; values: string[] }[] | undefined;
  version?: { op: "=" | "!=" | "<" | "<=" | ">" | ">="; value: number }[] | undefined;
  source: TextCondition[];
  tags: TagCondition[];
  /** Versions of soft-deleted models are left out unless asked. */
  includeDeletedModels: boolean;
  orderBy: { field: VersionOrderField; desc: boolean }[];
  offset: number;
  limit: number;
}

/** One file a version pins: its path inside the run and its digest. */
export interface VersionFileRecord {
  path: string;
  sha256: string;
  size: number;
}

export type ModelPatch = Partial<Pick<ModelRecord, "name" | "description" | "updatedAt" | "deletedAt">>;
export type VersionPatch = Partial<Pick<ModelVersionRecord, "description" | "stage" | "updatedAt">>;

export interface RegistryRepo {
  insertModel(record: ModelRecord): Promise<void>;
  getModelByName(name: string): Promise<ModelRecord | null>;
  getModelsByIds(ids: string[]): Promise<ModelRecord[]>;
  searchModels(request: ModelSearchRequest): Promise<ModelRecord[]>;
  updateModel(id: string, patch: ModelPatch): Promise<void>;
  /** Hard delete of a model with its versions, tags, aliases and pinned digests (blobs released at `now`). */
  purgeModel(id: string, now: number): Promise<void>;

  setModelTags(id: string, tags: Record<string, string>): Promise<void>;
  deleteModelTags(id: string, keys: string[]): Promise<void>;
  modelTags(ids: string[]): Promise<Map<string, Record<string, string>>>;

  /** Reserves the next version number of a model (never reused, even after deletes). */
  nextVersion(modelId: string): Promise<number>;
  /** Stores a version and the files it pins. */
  insertVersion(record: ModelVersionRecord, files: VersionFileRecord[]): Promise<void>;
  getVersion(modelId: string, version: number): Promise<ModelVersionRecord | null>;
  searchVersions(request: VersionSearchRequest): Promise<ModelVersionRecord[]>;
  /** The newest version of each model. */
  latestVersions(modelIds: string[]): Promise<Map<string, ModelVersionRecord>>;
  countVersions(modelIds: string[]): Promise<Map<string, number>>;
  /** Versions of a model in a stage, newest first. */
  versionsInStage(modelId: string, stage: ModelStage): Promise<ModelVersionRecord[]>;
  versionsOfRun(runId: string, limit: number): Promise<ModelVersionRecord[]>;
  updateVersion(modelId: string, version: number, patch: VersionPatch): Promise<void>;
  /** Hard delete of a version, its tags, aliases and pins; its blobs are marked released at `now`. */
  deleteVersion(modelId: string, version: number, now: number): Promise<void>;
  /** Files a version pins, by path (keyset pages after `afterPath`). */
  versionFiles(modelId: string, version: number, afterPath: string | null, limit: number): Promise<VersionFileRecord[]>;
  versionFile(modelId: string, version: number, path: string): Promise<VersionFileRecord | null>;

  setVersionTags(modelId: string, version: number, tags: Record<string, string>): Promise<void>;
  deleteVersionTags(modelId: string, version: number, keys: string[]): Promise<void>;
  /** Tags of many versions, keyed `${modelId}/${version}`. */
  versionTags(keys: { modelId: string; version: number }[]): Promise<Map<string, Record<string, string>>>;

  setAlias(modelId: string, alias: string, version: number): Promise<void>;
  deleteAlias(modelId: string, alias: string): Promise<boolean>;
  getAlias(modelId: string, alias: string): Promise<number | null>;
  /** alias → version for each model. */
  aliases(modelIds: string[]): Promise<Map<string, Record<string, number>>>;
}
