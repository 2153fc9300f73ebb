import type { ArtifactType, MetricGoal, PartChecksum } from "@looplab/core";

/**
 * Artifact metadata behind the Store port (the bytes live in the BlobStore). A blob is
 * referenced by every artifact row that is not collected (live or soft-deleted); references
 * are computed, so they never drift. `releasedAt` is when a reference last went away.
 */

export interface BlobRecord {
  sha256: string;
  size: number;
  createdAt: number;
  releasedAt: number | null;
}

export interface ArtifactRecord {
  runId: string;
  projectId: string;
  path: string;
  sha256: string;
  size: number;
  type: ArtifactType;
  step: number | null;
  metrics: Record<string, number> | null;
  metadata: Record<string, unknown> | null;
  createdAt: number;
  deletedAt: number | null;
  collectedAt: number | null;
}

export type UploadState = "open" | "complete" | "aborted";

export interface UploadRecord {
  id: string;
  runId: string;
  projectId: string;
  path: string;
  sha256: string;
  size: number;
  type: ArtifactType;
  step: number | null;
  metrics: Record<string, number> | null;
  metadata: Record<string, unknown> | null;
  overwrite: boolean;
  partSize: number;
  partCount: number;
  state: UploadState;
  createdAt: number;
  expiresAt: number;
  completedAt: number | null;
}

export interface UploadPartRecord {
  partNumber: number;
  size: number;
  /** What the part was verified against when first received. */
  checksum: PartChecksum;
  receivedAt: number;
}

export interface LineageRecord {
  runId: string;
  sha256: string;
  sourceRunId: string | null;
  sourcePath: string | null;
  role: string | null;
  createdAt: number;
}

export interface RetentionRecord {
  keepLast: number;
  keepBest: number;
  metric: string | null;
  direction: MetricGoal;
  updatedAt: number;
}

export type RetentionScope = "project" | "run";

export interface UsageRecord {
  artifactCount: number;
  logicalBytes: number;
  uniqueBytes: number;
  collectedBytes: number;
}

export interface ArtifactListRequest {
  runId: string;
  prefix?: string | undefined;
  type?: ArtifactType | undefined;
  includeDeleted: boolean;
  /** Keyset pagination: paths after this one. */
  afterPath?: string | undefined;
  limit: number;
}

export interface ArtifactRepo {
  getBlob(sha256: string): Promise<BlobRecord | null>;
  /** Inserts a blob row; no-op when it exists (then clears its release mark). */
  insertBlob(record: BlobRecord): Promise<void>;
  /** Of these digests, those with a blob row. */
  knownBlobs(sha256s: string[]): Promise<Set<string>>;
  /** Blobs no artifact references, released (or created) before `before`. */
  listUnreferencedBlobs(before: number, limit: number): Promise<BlobRecord[]>;
  /** Deletes the blob row only if it is still unreferenced and old enough; true when deleted. */
  deleteBlobIfUnreferenced(sha256: string, before: number): Promise<boolean>;

  getArtifact(runId: string, path: string): Promise<ArtifactRecord | null>;
  insertArtifact(record: ArtifactRecord): Promise<void>;
  /** Hard delete of one artifact row; its blob is marked released at `now`. */
  removeArtifact(runId: string, path: string, now: number): Promise<void>;
  setArtifactDeleted(runId: string, path: string, deletedAt: number | null): Promise<void>;
  /** Marks artifacts collected (retention) and their blobs released at `now`. */
  collectArtifacts(runId: string, paths: string[], now: number): Promise<void>;
  listArtifacts(request: ArtifactListRequest): Promise<ArtifactRecord[]>;
  countArtifacts(request: Omit<ArtifactListRequest, "afterPath" | "limit">): Promise<{ count: number; bytes: number }>;
  /** Every checkpoint-typed artifact of a run (any state), by step then path. */
  listCheckpointArtifacts(runId: string): Promise<ArtifactRecord[]>;
  /** Artifacts holding these bytes (any run), oldest first. */
  listArtifactsOfBlob(sha256: string, limit: number): Promise<ArtifactRecord[]>;
  /** Run ids of a project that have live checkpoints. */
  runsWithCheckpoints(projectId: string): Promise<string[]>;
  /** Removes a run's artifacts, uploads and lineage (hard delete), releasing its blobs at `now`. */
  purgeRun(runId: string, now: number): Promise<void>;
  /**
   * After a project's runs were purged: removes its retention policy and quota, and any artifact,
   * upload or lineage rows still filed under it (releasing their blobs at `now`).
   */
  purgeProject(projectId: string, now: number): Promise<void>;

  createUpload(record: UploadRecord): Promise<void>;
  getUpload(id: string): Promise<UploadRecord | null>;
  setUploadState(id: string, state: UploadState, completedAt: number | null): Promise<void>;
  listParts(uploadId: string): Promise<UploadPartRecord[]>;
  putPart(uploadId: string, part: UploadPartRecord): Promise<void>;
  /** Open uploads whose expiry passed. */
  listExpiredUploads(now: number, limit: number): Promise<string[]>;
  /** Of these upload ids, those that are open. */
  openUploads(ids: string[]): Promise<Set<string>>;
  /** Bytes declared by a project's open uploads (quota reservations), except one. */
  openUploadBytes(projectId: string, exceptUploadId?: string): Promise<number>;

  putLineage(record: LineageRecord): Promise<void>;
  listLineage(runId: string): Promise<LineageRecord[]>;
  listConsumers(sha256: string, afterRunId: string | null, limit: number): Promise<LineageRecord[]>;
  countConsumers(sha256s: string[]): Promise<Map<string, number>>;

  getRetention(scope: RetentionScope, id: string): Promise<RetentionRecord | null>;
  putRetention(scope: RetentionScope, id: string, record: RetentionRecord): Promise<void>;
  deleteRetention(scope: RetentionScope, id: string): Promise<boolean>;
  getQuota(projectId: string): Promise<number | null>;
  putQuota(projectId: string, bytes: number | null): Promise<void>;
  usageOfRun(runId: string): Promise<UsageRecord>;
  usageOfProject(projectId: string): Promise<UsageRecord>;
}
