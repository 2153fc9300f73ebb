import type { Readable } from "node:stream";
import {
  type ArtifactList,
  type ArtifactType,
  type Checkpoint,
  invalidArgument,
  LooplabError,
  notFound,
  type RetentionPolicyInput,
  retentionPolicySchema,
  type StorageUsage,
} from "@looplab/core";
import type { ArtifactRecord, RetentionRecord, RetentionScope } from "../ports/artifact-repo.js";
import type { BlobStore, ByteRange } from "../ports/blob-store.js";
import type { Store } from "../ports/store.js";
import { quotaOf } from "./artifact-commit.js";
import { createArtifactGc } from "./artifact-gc.js";
import { createArtifactImport } from "./artifact-import.js";
import { createArtifactLineage } from "./artifact-lineage.js";
import { createKeyedLock } from "./artifact-locks.js";
import { applyRetention, checkpointViews, effectivePolicy } from "./artifact-retention.js";
import { createArtifactUploads, type UploadSettings } from "./artifact-upload-service.js";
import { toArtifactView } from "./artifact-views.js";
import type { Clock } from "./clock.js";
import type { ProjectService } from "./project-service.js";
import type { RunService } from "./run-service.js";

export interface ArtifactServiceOptions {
  /** The blob store chosen by main.ts/testing; without one, artifact routes answer 503. */
  blobs?: BlobStore;
  /** Default per-project quota in bytes (`--artifact-quota`); null or absent for none. */
  defaultQuotaBytes?: number | null;
  uploadTtlMs?: number;
  /** Unreferenced blobs are deleted only after this long (default one hour). */
  gcGraceMs?: number;
}

export type ArtifactService = ReturnType<typeof createArtifactService>;

const HOUR = 3_600_000;

export function createArtifactService(
  store: Store,
  projects: ProjectService,
  runs: RunService,
  clock: Clock,
  options: ArtifactServiceOptions = {},
) {
  const blobs = options.blobs ?? unavailableBlobStore();
  const settings: UploadSettings = {
    defaultQuotaBytes: options.defaultQuotaBytes ?? null,
    uploadTtlMs: options.uploadTtlMs ?? 24 * HOUR,
  };
  const withBlobLock = createKeyedLock();
  const uploads = createArtifactUploads({ store, blobs, runs, clock, withBlobLock, settings });
  const gc = createArtifactGc({ store, blobs, clock, withBlobLock });
  const lineage = createArtifactLineage({ store, runs, clock });
  const importArtifacts = createArtifactImport({ store, runs, clock, withBlobLock });

  async function requireArtifact(runId: string, path: string): Promise<ArtifactRecord> {
    await runs.requireRun(runId);
    const artifact = await store.artifacts.getArtifact(runId, path);
    if (!artifact) throw notFound(`run '${runId}' has no artifact '${path}'`, { runId, path });
    return artifact;
  }

  async function scopeId(scope: RetentionScope, id: string): Promise<string> {
    if (scope === "run") return (await runs.requireRun(id)).id;
    return (await projects.require(id)).id;
  }

  async function storedPolicy(
    scope: RetentionScope,
    id: string,
    input: RetentionPolicyInput,
  ): Promise<RetentionRecord> {
    const body = retentionPolicySchema.parse(input);
    if (body.keepBest > 0 && !body.metric) throw invalidArgument("keepBest needs a metric to rank checkpoints by");
    let direction = body.direction;
    if (!direction && body.metric) {
      const projectId = scope === "project" ? id : (await runs.requireRun(id)).projectId;
      const definitions = await store.projects.listMetricDefinitions(projectId);
      direction = definitions.find((d) => d.key === body.metric)?.goal;
      if (!direction && body.keepBest > 0) {
        throw invalidArgument(`say whether '${body.metric}' is better low or high: direction "min" or "max"`);
      }
    }
    return {
      keepLast: body.keepLast,
      keepBest: body.keepBest,
      metric: body.metric,
      direction: direction ?? "max",
      updatedAt: clock.now(),
    };
  }

  function usageView(usage: Awaited<ReturnType<Store["artifacts"]["usageOfRun"]>>, quota: number | null): StorageUsage {
    return { ...usage, quotaBytes: quota };
  }

  return {
    blobs,
    createUpload: uploads.create,
    getUpload: uploads.get,
    uploadPart: uploads.putPart,
    completeUpload: uploads.complete,
    abortUpload: uploads.abort,

    async putWhole(
      runId: string,
      query: { path: string; sha256: string; type: ArtifactType; step?: number | undefined; overwrite: boolean },
      extras: { metrics?: string | undefined; metadata?: string | undefined },
      body: Readable,
      contentLength: number | undefined,
    ) {
      const metrics = parseJsonObject("metrics", extras.metrics) as Record<string, number> | null;
      if (metrics && Object.values(metrics).some((v) => typeof v !== "number")) {
        throw invalidArgument("metrics must map names to numbers");
      }
      const result = await uploads.putWhole(
        runId,
        {
          ...query,
          step: query.step ?? null,
          metrics,
          metadata: parseJsonObject("metadata", extras.metadata),
        },
        body,
        contentLength,
      );
      return { artifact: toArtifactView(result.artifact), deduplicated: result.deduplicated };
    },

    async list(
      runId: string,
      query: {
        prefix?: string | undefined;
        type?: ArtifactType | undefined;
        includeDeleted: boolean;
        pageToken?: string | undefined;
        limit: number;
      },
    ): Promise<ArtifactList> {
      await runs.requireRun(runId);
      const filter = { runId, prefix: query.prefix, type: query.type, includeDeleted: query.includeDeleted };
      const rows = await store.artifacts.listArtifacts({
        ...filter,
        afterPath: query.pageToken,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const totals = await store.artifacts.countArtifacts(filter);
      return {
        artifacts: page.map(toArtifactView),
        totalCount: totals.count,
        totalBytes: totals.bytes,
        nextPageToken: rows.length > query.limit ? (page.at(-1)?.path ?? null) : null,
      };
    },

    info: async (runId: string, path: string) => toArtifactView(await requireArtifact(runId, path)),

    /** The artifact and a stream of its bytes (or a range of them); 404 when collected, missing or (unless asked) deleted. */
    async open(
      runId: string,
      path: string,
      opts: { includeDeleted: boolean },
      range: (size: number) => ByteRange | undefined,
    ) {
      const artifact = await requireArtifact(runId, path);
      if (artifact.collectedAt !== null) throw notFound(`artifact '${path}' was collected by the retention policy`);
      if (artifact.deletedAt !== null && !opts.includeDeleted) throw notFound(`artifact '${path}' is deleted`);
      const wanted = range(artifact.size);
      const stream = await blobs.get(artifact.sha256, wanted);
      if (!stream) throw notFound(`the bytes of '${path}' (sha256 ${artifact.sha256}) are missing from the store`);
      return { artifact: toArtifactView(artifact), range: wanted, stream };
    },

    async remove(runId: string, path: string, purge: boolean): Promise<void> {
      await requireArtifact(runId, path);
      const now = clock.now();
      if (purge) await store.transaction((repos) => repos.artifacts.removeArtifact(runId, path, now));
      else await store.artifacts.setArtifactDeleted(runId, path, now);
    },

    async restore(runId: string, path: string) {
      const artifact = await requireArtifact(runId, path);
      if (artifact.collectedAt !== null) throw notFound(`artifact '${path}' was collected; it cannot be restored`);
      await store.artifacts.setArtifactDeleted(runId, path, null);
      return toArtifactView(await requireArtifact(runId, path));
    },

    async checkpoints(runId: string, includeCollected: boolean) {
      const run = await runs.requireRun(runId);
      const policy = await effectivePolicy(store, run);
      const files = await store.artifacts.listCheckpointArtifacts(runId);
      return { checkpoints: checkpointViews(runId, files, policy, includeCollected), policy };
    },

    async latestCheckpoint(runId: string): Promise<Checkpoint> {
      const { checkpoints } = await this.checkpoints(runId, false);
      const latest = checkpoints.filter((c) => c.state === "live").at(-1);
      if (!latest) throw notFound(`run '${runId}' has no checkpoint`, { runId });
      return latest;
    },

    async getRetention(scope: RetentionScope, id: string) {
      const key = await scopeId(scope, id);
      const policy = await store.artifacts.getRetention(scope, key);
      const effective =
        scope === "run" ? await effectivePolicy(store, await runs.requireRun(key)) : policy && { ...policy, scope };
      return { policy, effective };
    },

    async putRetention(scope: RetentionScope, id: string, input: RetentionPolicyInput) {
      const key = await scopeId(scope, id);
      const policy = await storedPolicy(scope, key, input);
      const now = clock.now();
      let collected = 0;
      await store.artifacts.putRetention(scope, key, policy);
      const runIds = scope === "run" ? [key] : await store.artifacts.runsWithCheckpoints(key);
      for (const runId of runIds) {
        const run = await runs.requireRun(runId);
        collected += await store.transaction((repos) => applyRetention(repos, run, now));
      }
      return { policy, collected };
    },

    async deleteRetention(scope: RetentionScope, id: string): Promise<void> {
      await store.artifacts.deleteRetention(scope, await scopeId(scope, id));
    },

    async runStorage(runId: string): Promise<StorageUsage> {
      await runs.requireRun(runId);
      return usageView(await store.artifacts.usageOfRun(runId), null);
    },

    async projectStorage(name: string): Promise<StorageUsage> {
      const project = await projects.require(name);
      return usageView(await store.artifacts.usageOfProject(project.id), await quotaOf(store, project.id, settings));
    },

    async putQuota(name: string, quotaBytes: number | null): Promise<StorageUsage> {
      const project = await projects.require(name);
      await store.artifacts.putQuota(project.id, quotaBytes);
      return await this.projectStorage(name);
    },

    collectGarbage: (graceMs = options.gcGraceMs ?? HOUR) => gc.collect(graceMs),
    recordLineage: lineage.record,
    runLineage: lineage.ofRun,
    consumers: lineage.consumers,
    importArtifacts,
  };
}

function parseJsonObject(name: string, text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidArgument(`${name} must be a JSON object`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidArgument(`${name} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function unavailableBlobStore(): BlobStore {
  const fail = async (): Promise<never> => {
    throw new LooplabError("UNAVAILABLE", "this server has no artifact store configured");
  };
  return {
    kind: "fs",
    location: "(none)",
    put: fail,
    get: fail,
    head: fail,
    delete: fail,
    async *list() {},
    putPart: fail,
    completeUpload: fail,
    abortUpload: fail,
    async *listUploads() {},
    close: async () => {},
  };
}
