import { type ArtifactType, alreadyExists, LooplabError } from "@looplab/core";
import type { ArtifactRecord } from "../ports/artifact-repo.js";
import type { RunRecord, StoreRepos } from "../ports/store.js";
import { applyRetention } from "./artifact-retention.js";

/** What a new artifact row needs besides its bytes. */
export interface ArtifactFields {
  path: string;
  type: ArtifactType;
  step: number | null;
  metrics: Record<string, number> | null;
  metadata: Record<string, unknown> | null;
  overwrite: boolean;
}

export interface QuotaSettings {
  /** The server's default per-project quota in bytes; null for none. */
  defaultQuotaBytes: number | null;
}

export async function quotaOf(repos: StoreRepos, projectId: string, settings: QuotaSettings): Promise<number | null> {
  return (await repos.artifacts.getQuota(projectId)) ?? settings.defaultQuotaBytes;
}

/**
 * Refuses `adding` more bytes for a project whose quota they would exceed (413 RESOURCE_EXHAUSTED,
 * a 4xx so clients do not retry). Counts live and soft-deleted artifacts plus open uploads.
 */
export async function checkQuota(
  repos: StoreRepos,
  projectId: string,
  adding: number,
  settings: QuotaSettings,
  opts: { freeing?: number; exceptUploadId?: string } = {},
): Promise<void> {
  const quota = await quotaOf(repos, projectId, settings);
  if (quota === null) return;
  const used = (await repos.artifacts.usageOfProject(projectId)).logicalBytes;
  const reserved = await repos.artifacts.openUploadBytes(projectId, opts.exceptUploadId);
  const after = used + reserved - (opts.freeing ?? 0) + adding;
  if (after > quota) {
    throw new LooplabError(
      "RESOURCE_EXHAUSTED",
      `artifact quota of ${quota} bytes exceeded: the project uses ${used} bytes (${reserved} more reserved by open uploads) and this needs ${adding}`,
      { quotaBytes: quota, usedBytes: used, reservedBytes: reserved, requestedBytes: adding },
    );
  }
}

/**
 * Makes an artifact visible (inside the caller's transaction): replaces a collected, deleted or
 * (with overwrite) live artifact at the same path, checks the quota, and applies checkpoint
 * retention. The same bytes at the same path again are a no-op that returns the existing row.
 */
export async function commitArtifact(
  repos: StoreRepos,
  run: RunRecord,
  fields: ArtifactFields,
  blob: { sha256: string; size: number },
  now: number,
  quota: QuotaSettings & { exceptUploadId?: string },
): Promise<{ artifact: ArtifactRecord; existed: boolean }> {
  const existing = await repos.artifacts.getArtifact(run.id, fields.path);
  const existingLive = existing !== null && existing.deletedAt === null && existing.collectedAt === null;
  if (existing && existingLive && existing.sha256 === blob.sha256) return { artifact: existing, existed: true };
  if (existing && existingLive && !fields.overwrite) {
    throw alreadyExists(`run '${run.id}' already has a different artifact at '${fields.path}' (pass overwrite)`, {
      path: fields.path,
      sha256: existing.sha256,
    });
  }
  const freeing = existing && existing.collectedAt === null ? existing.size : 0;
  await checkQuota(repos, run.projectId, blob.size, quota, {
    freeing,
    ...(quota.exceptUploadId ? { exceptUploadId: quota.exceptUploadId } : {}),
  });
  if (existing) await repos.artifacts.removeArtifact(run.id, fields.path, now);
  const artifact: ArtifactRecord = {
    runId: run.id,
    projectId: run.projectId,
    path: fields.path,
    sha256: blob.sha256,
    size: blob.size,
    type: fields.type,
    step: fields.step,
    metrics: fields.metrics,
    metadata: fields.metadata,
    createdAt: now,
    deletedAt: null,
    collectedAt: null,
  };
  await repos.artifacts.insertArtifact(artifact);
  if (artifact.type === "checkpoint") await applyRetention(repos, run, now);
  const stored = await repos.artifacts.getArtifact(run.id, fields.path);
  return { artifact: stored ?? artifact, existed: false };
}
