import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import {
  alreadyExists,
  type CreateUploadBody,
  createUploadBody,
  DEFAULT_PART_SIZE,
  failedPrecondition,
  invalidArgument,
  isLooplabError,
  LooplabError,
  MAX_PARTS,
  notFound,
  partChecksumFromHeaders,
  type UploadSession,
} from "@looplab/core";
import type { ArtifactRecord, UploadRecord } from "../ports/artifact-repo.js";
import type { BlobStore } from "../ports/blob-store.js";
import type { RunRecord, Store } from "../ports/store.js";
import { type ArtifactFields, checkQuota, commitArtifact, type QuotaSettings } from "./artifact-commit.js";
import type { KeyedLock } from "./artifact-locks.js";
import { toSessionView } from "./artifact-views.js";
import type { Clock } from "./clock.js";
import { newId } from "./ids.js";
import type { RunService } from "./run-service.js";

export interface UploadSettings extends QuotaSettings {
  /** How long an open upload may wait for its parts before GC discards it. */
  uploadTtlMs: number;
}

export interface Deps {
  store: Store;
  blobs: BlobStore;
  runs: RunService;
  clock: Clock;
  withBlobLock: KeyedLock;
  settings: UploadSettings;
}

const MiB = 1024 * 1024;

/** Resumable, verified uploads: sessions, parts, completion; and the one-shot form. */
export function createArtifactUploads(deps: Deps) {
  const { store, blobs, runs, clock, withBlobLock, settings } = deps;

  async function writableRun(runId: string): Promise<RunRecord> {
    const run = await runs.requireRun(runId);
    if (run.deletedAt !== null) throw failedPrecondition(`run '${runId}' is deleted; restore it to add artifacts`);
    return run;
  }

  async function requireUpload(uploadId: string): Promise<UploadRecord> {
    const upload = await store.artifacts.getUpload(uploadId);
    if (!upload) throw notFound(`upload '${uploadId}' not found`, { uploadId });
    return upload;
  }

  /** Commits an artifact whose bytes are already a stored blob (under the blob's lock). */
  async function commitStored(run: RunRecord, fields: ArtifactFields, sha256: string, size: number, uploadId?: string) {
    const now = clock.now();
    return await store.transaction(async (repos) => {
      const result = await commitArtifact(repos, run, fields, { sha256, size }, now, {
        ...settings,
        ...(uploadId ? { exceptUploadId: uploadId } : {}),
      });
      if (uploadId) await repos.artifacts.setUploadState(uploadId, "complete", now);
      return result;
    });
  }

  function fieldsOf(body: {
    path: string;
    type: ArtifactFields["type"];
    step?: number | undefined;
    metrics?: Record<string, number> | undefined;
    metadata?: Record<string, unknown> | undefined;
    overwrite: boolean;
  }): ArtifactFields {
    if (body.type === "checkpoint" && body.step === undefined) {
      throw invalidArgument("a checkpoint needs a step", { path: body.path });
    }
    return {
      path: body.path,
      type: body.type,
      step: body.step ?? null,
      metrics: body.metrics ?? null,
      metadata: body.metadata ?? null,
      overwrite: body.overwrite,
    };
  }

  async function sessionView(upload: UploadRecord): Promise<UploadSession> {
    const parts = upload.state === "open" ? await store.artifacts.listParts(upload.id) : [];
    let artifact: ArtifactRecord | null = null;
    if (upload.state === "complete") {
      const found = await store.artifacts.getArtifact(upload.runId, upload.path);
      if (found && found.sha256 === upload.sha256) artifact = found;
    }
    return toSessionView(upload, parts, artifact);
  }

  function partSizeFor(size: number, asked: number | undefined): number {
    let partSize = asked ?? DEFAULT_PART_SIZE;
    if (Math.ceil(size / partSize) > MAX_PARTS) partSize = Math.ceil(size / MAX_PARTS / MiB) * MiB;
    return partSize;
  }

  function expectedPartSize(upload: UploadRecord, partNumber: number): number {
    if (partNumber < upload.partCount) return upload.partSize;
    return upload.size - (upload.partCount - 1) * upload.partSize;
  }

  return {
    async create(runId: string, input: CreateUploadBody): Promise<UploadSession> {
      const body = createUploadBody.parse(input);
      const run = await writableRun(runId);
      const fields = fieldsOf(body);
      const now = clock.now();
      const partSize = partSizeFor(body.size, body.partSize);
      const upload: UploadRecord = {
        id: newId(),
        runId,
        projectId: run.projectId,
        path: body.path,
        sha256: body.sha256,
        size: body.size,
        type: body.type,
        step: fields.step,
        metrics: fields.metrics,
        metadata: fields.metadata,
        overwrite: body.overwrite,
        partSize,
        partCount: Math.max(1, Math.ceil(body.size / partSize)),
        state: "open",
        createdAt: now,
        expiresAt: now + settings.uploadTtlMs,
        completedAt: null,
      };
      const blob = await store.artifacts.getBlob(body.sha256);
      if (blob) {
        if (blob.size !== body.size) {
          throw new LooplabError(
            "UNPROCESSABLE",
            `sha256 ${body.sha256} is stored with ${blob.size} bytes, not ${body.size}`,
          );
        }
        // Deduplicated: the bytes are here; the artifact exists at once.
        const { artifact } = await withBlobLock(body.sha256, async () => {
          if (!(await store.artifacts.getBlob(body.sha256))) return { artifact: null };
          return await commitStored(run, fields, body.sha256, body.size);
        });
        if (artifact) return toSessionView({ ...upload, state: "complete", completedAt: now }, [], artifact, true);
      }
      await store.transaction(async (repos) => {
        const existing = await repos.artifacts.getArtifact(runId, body.path);
        const live = existing && existing.deletedAt === null && existing.collectedAt === null;
        if (live && !body.overwrite && existing.sha256 !== body.sha256) {
          throw alreadyExists(`run '${runId}' already has a different artifact at '${body.path}' (pass overwrite)`, {
            path: body.path,
          });
        }
        await checkQuota(repos, run.projectId, body.size, settings, {
          freeing: live ? existing.size : 0,
        });
        await repos.artifacts.createUpload(upload);
      });
      return toSessionView(upload, [], null);
    },

    get: async (uploadId: string) => await sessionView(await requireUpload(uploadId)),

    async putPart(
      uploadId: string,
      partNumber: number,
      body: Readable,
      opts: {
        checksum: { crc32?: string | undefined; sha256?: string | undefined };
        contentLength: number | undefined;
      },
    ) {
      const checksum = partChecksumFromHeaders(opts.checksum);
      const upload = await requireUpload(uploadId);
      if (upload.state !== "open") throw failedPrecondition(`upload '${uploadId}' is ${upload.state}`);
      if (partNumber > upload.partCount) {
        throw invalidArgument(`part ${partNumber} is out of range: this upload has ${upload.partCount} parts`);
      }
      const size = expectedPartSize(upload, partNumber);
      if (opts.contentLength !== undefined && opts.contentLength !== size) {
        throw new LooplabError("UNPROCESSABLE", `part ${partNumber} must be ${size} bytes, not ${opts.contentLength}`, {
          expectedSize: size,
        });
      }
      const known = (await store.artifacts.listParts(uploadId)).find((p) => p.partNumber === partNumber);
      if (known && known.checksum !== checksum) {
        // The same algorithm with another value is other bytes; another algorithm cannot be
        // compared with what is stored, and the client that resends a part resends it as before.
        throw failedPrecondition(`part ${partNumber} was already received with checksum ${known.checksum}`, {
          checksum: known.checksum,
        });
      }
      const spec = {
        uploadId,
        partNumber,
        partSize: upload.partSize,
        offset: (partNumber - 1) * upload.partSize,
        size,
        checksum,
      };
      await blobs.putPart(spec, body);
      await store.artifacts.putPart(uploadId, { partNumber, size, checksum, receivedAt: clock.now() });
      return { uploadId, partNumber, size, checksum };
    },

    async complete(uploadId: string): Promise<UploadSession> {
      const upload = await requireUpload(uploadId);
      if (upload.state === "complete") return await sessionView(upload);
      if (upload.state === "aborted") throw failedPrecondition(`upload '${uploadId}' was aborted`);
      const received = new Set((await store.artifacts.listParts(uploadId)).map((p) => p.partNumber));
      const missing: number[] = [];
      for (let n = 1; n <= upload.partCount && missing.length < 1000; n++) if (!received.has(n)) missing.push(n);
      if (missing.length > 0) {
        throw failedPrecondition(`upload '${uploadId}' is missing ${missing.length} part(s)`, {
          missingParts: missing,
        });
      }
      const run = await writableRun(upload.runId);
      const fields: ArtifactFields = { ...upload, overwrite: upload.overwrite };
      await withBlobLock(upload.sha256, async () => {
        if (await store.artifacts.getBlob(upload.sha256)) {
          await blobs.abortUpload(uploadId);
        } else {
          try {
            await blobs.completeUpload({ uploadId, ...upload });
          } catch (error) {
            if (isLooplabError(error) && error.code === "UNPROCESSABLE") {
              await store.artifacts.setUploadState(uploadId, "aborted", clock.now());
              await blobs.abortUpload(uploadId);
            }
            throw error;
          }
          const now = clock.now();
          await store.artifacts.insertBlob({
            sha256: upload.sha256,
            size: upload.size,
            createdAt: now,
            releasedAt: now,
          });
        }
        await commitStored(run, fields, upload.sha256, upload.size, uploadId);
      });
      return await sessionView(await requireUpload(uploadId));
    },

    async abort(uploadId: string): Promise<void> {
      const upload = await requireUpload(uploadId);
      if (upload.state === "complete") throw failedPrecondition(`upload '${uploadId}' is already complete`);
      await store.artifacts.setUploadState(uploadId, "aborted", clock.now());
      await blobs.abortUpload(uploadId);
    },

    /** The one-shot upload: the body is streamed to the store and verified against `sha256`. */
    async putWhole(
      runId: string,
      input: ArtifactFields & { sha256: string },
      body: Readable,
      contentLength: number | undefined,
    ): Promise<{ artifact: ArtifactRecord; deduplicated: boolean }> {
      const run = await writableRun(runId);
      const fields = fieldsOf({
        ...input,
        step: input.step ?? undefined,
        metrics: input.metrics ?? undefined,
        metadata: input.metadata ?? undefined,
      });
      if (contentLength !== undefined) {
        await checkQuota(store, run.projectId, contentLength, settings);
      }
      return await withBlobLock(input.sha256, async () => {
        const blob = await store.artifacts.getBlob(input.sha256);
        let size: number;
        if (blob) {
          // Verify the client really sent these bytes, but keep the copy we have.
          size = await drainVerified(body, input.sha256, blob.size);
        } else {
          size = (await blobs.put(input.sha256, body, contentLength !== undefined ? { size: contentLength } : {})).size;
          const now = clock.now();
          await store.artifacts.insertBlob({ sha256: input.sha256, size, createdAt: now, releasedAt: now });
        }
        const { artifact } = await commitStored(run, fields, input.sha256, size);
        return { artifact, deduplicated: blob !== null };
      });
    },
  };
}

/** Reads a body to its end, checking it has `size` bytes hashing to `sha256` (422 otherwise). */
async function drainVerified(body: Readable, sha256: string, size: number): Promise<number> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of body) {
    bytes += (chunk as Buffer).length;
    if (bytes > size) break;
    hash.update(chunk as Buffer);
  }
  const actual = hash.digest("hex");
  if (bytes !== size || actual !== sha256) {
    throw new LooplabError("UNPROCESSABLE", `body does not match sha256 ${sha256} (${bytes} bytes, sha256 ${actual})`);
  }
  return bytes;
}
