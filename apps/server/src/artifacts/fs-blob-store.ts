import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import type { BlobInfo, BlobStore } from "../ports/blob-store.js";
import { type BlobSyncMode, createBlobPublisher } from "./blob-sync.js";
import { checkDigest, newSha256 } from "./digest-stream.js";
import { isMissing, removeQuietly, writeHashed } from "./fs-files.js";
import { createFsUploadStaging } from "./fs-upload-staging.js";

/**
 * Blobs in a local folder: `sha256/ab/cd/<sha256>`. A write goes to `tmp/` on the same file
 * system, is hashed while written, and renamed into place only when its digest matches: a reader
 * sees a whole, verified blob or none. When it reaches the disk is `sync` (see blob-sync.ts).
 * Multipart staging lives in `uploads/`.
 */
export function createFsBlobStore(folder: string, opts: { sync?: BlobSyncMode } = {}): BlobStore {
  const root = resolve(folder);
  const blobsDir = join(root, "sha256");
  const tmpDir = join(root, "tmp");
  const blobPath = (sha256: string) => join(blobsDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  const mkdirs = (dir: string) => mkdir(dir, { recursive: true });
  const publisher = createBlobPublisher(opts.sync ?? "deferred");
  const publish = (tmp: string, sha256: string) => publisher.publish(tmp, blobPath(sha256));
  const staging = createFsUploadStaging(join(root, "uploads"), publish);

  return {
    kind: "fs",
    location: root,

    async put(sha256, body, opts = {}) {
      await mkdirs(tmpDir);
      const tmp = join(tmpDir, randomUUID());
      const hash = newSha256();
      try {
        const bytes = await writeHashed(body, tmp, { hashes: [hash], limit: opts.size, label: "blob", create: true });
        checkDigest("blob", { bytes, sha256: hash.digest("hex") }, { size: opts.size, sha256 });
        await publish(tmp, sha256);
        return { size: bytes };
      } catch (error) {
        await removeQuietly(tmp);
        throw error;
      }
    },

    async get(sha256, range) {
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(blobPath(sha256), "r");
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      // A known end lets the stream finish with its last chunk instead of one more read that
      // finds EOF: the response ends (and its connection goes idle) as the client gets the last byte.
      let span = range;
      if (!span) {
        const size = (await handle.stat()).size;
        span = size > 0 ? { start: 0, end: size - 1 } : undefined;
      }
      return handle.createReadStream({
        ...(span ? { start: span.start, end: span.end } : {}),
        highWaterMark: 1024 * 1024,
      }) as unknown as Readable;
    },

    async head(sha256) {
      try {
        return { size: (await stat(blobPath(sha256))).size };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async delete(sha256) {
      await rm(blobPath(sha256), { force: true });
    },

    async *list(): AsyncIterable<BlobInfo> {
      for (const a of await namesIn(blobsDir)) {
        for (const b of await namesIn(join(blobsDir, a))) {
          for (const name of await namesIn(join(blobsDir, a, b))) {
            if (!/^[0-9a-f]{64}$/.test(name)) continue;
            try {
              const info = await stat(join(blobsDir, a, b, name));
              yield { sha256: name, size: info.size, modifiedAt: info.mtimeMs };
            } catch (error) {
              if (!isMissing(error)) throw error;
            }
          }
        }
      }
    },

    putPart: (part, body) => staging.putPart(part, body),
    completeUpload: (spec) => staging.complete(spec),
    abortUpload: (uploadId) => staging.abort(uploadId),
    listUploads: () => staging.list(),
    close: () => publisher.flush(),
  };
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}
