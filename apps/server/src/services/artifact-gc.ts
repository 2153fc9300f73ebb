import type { GcResult } from "@looplab/core";
import type { BlobStore } from "../ports/blob-store.js";
import type { Store } from "../ports/store.js";
import type { KeyedLock } from "./artifact-locks.js";
import type { Clock } from "./clock.js";

const BATCH = 500;

/**
 * Garbage collection of artifact storage. It deletes only
 * - blobs no artifact references (live or soft-deleted), unreferenced for longer than the grace
 *   period, each re-checked in the database under the blob's lock before its bytes go;
 * - staging of uploads that are no longer open (completed, aborted, expired or purged);
 * - stored objects the database does not know (a crash between write and record), after the grace.
 * Open uploads are never touched, and an upload completing concurrently holds the blob's lock.
 */
export function createArtifactGc(deps: { store: Store; blobs: BlobStore; clock: Clock; withBlobLock: KeyedLock }) {
  const { store, blobs, clock, withBlobLock } = deps;

  async function expireUploads(now: number): Promise<number> {
    let expired = 0;
    for (;;) {
      const ids = await store.artifacts.listExpiredUploads(now, BATCH);
      for (const id of ids) {
        await store.artifacts.setUploadState(id, "aborted", now);
        await blobs.abortUpload(id);
      }
      expired += ids.length;
      if (ids.length < BATCH) return expired;
    }
  }

  async function sweepStaging(): Promise<number> {
    const ids: string[] = [];
    for await (const id of blobs.listUploads()) ids.push(id);
    let removed = 0;
    for (let i = 0; i < ids.length; i += BATCH) {
      const slice = ids.slice(i, i + BATCH);
      const open = await store.artifacts.openUploads(slice);
      for (const id of slice) {
        if (open.has(id)) continue;
        await blobs.abortUpload(id);
        removed++;
      }
    }
    return removed;
  }

  async function deleteUnreferenced(cutoff: number): Promise<{ count: number; bytes: number }> {
    let count = 0;
    let bytes = 0;
    const seen = new Set<string>();
    for (;;) {
      const candidates = (await store.artifacts.listUnreferencedBlobs(cutoff, BATCH)).filter(
        (b) => !seen.has(b.sha256),
      );
      if (candidates.length === 0) return { count, bytes };
      for (const blob of candidates) {
        seen.add(blob.sha256);
        await withBlobLock(blob.sha256, async () => {
          if (!(await store.artifacts.deleteBlobIfUnreferenced(blob.sha256, cutoff))) return;
          await blobs.delete(blob.sha256);
          count++;
          bytes += blob.size;
        });
      }
    }
  }

  async function deleteOrphans(cutoff: number): Promise<{ count: number; bytes: number }> {
    let count = 0;
    let bytes = 0;
    let batch: { sha256: string; size: number }[] = [];
    const flush = async () => {
      const known = await store.artifacts.knownBlobs(batch.map((b) => b.sha256));
      for (const orphan of batch.filter((b) => !known.has(b.sha256))) {
        await withBlobLock(orphan.sha256, async () => {
          if ((await store.artifacts.knownBlobs([orphan.sha256])).size > 0) return;
          await blobs.delete(orphan.sha256);
          count++;
          bytes += orphan.size;
        });
      }
      batch = [];
    };
    for await (const info of blobs.list()) {
      if (info.modifiedAt >= cutoff) continue;
      batch.push(info);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    return { count, bytes };
  }

  return {
    async collect(graceMs: number): Promise<GcResult> {
      const now = clock.now();
      const uploadsExpired = await expireUploads(now);
      const stagingRemoved = await sweepStaging();
      const cutoff = now - graceMs;
      const unreferenced = await deleteUnreferenced(cutoff);
      const orphans = await deleteOrphans(cutoff);
      return {
        blobsDeleted: unreferenced.count + orphans.count,
        bytesFreed: unreferenced.bytes + orphans.bytes,
        uploadsExpired,
        stagingRemoved,
      };
    },
  };
}
