import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DigestStream, newSha256 } from "../artifacts/digest-stream.js";
import { invalidParameter, resourceDoesNotExist } from "./mlflow-errors.js";

/**
 * MLflow clients upload artifacts without a digest, and Looplab's artifact service stores by
 * sha256 known up front. A body is therefore streamed to a temporary file while hashed (never
 * held in memory), then handed to the artifact service. Multipart uploads keep their parts as
 * files under one folder per upload until completed or aborted. The folder does not depend on the
 * process, so an upload continues across a server restart; what a crash or an abandoned upload
 * leaves there is removed once it has not changed for `maxAgeMs` (checked at most hourly, when
 * an upload is created).
 */
export interface StagedFile {
  path: string;
  sha256: string;
  size: number;
  open(): Readable;
  remove(): Promise<void>;
}

export function createArtifactStaging(
  root = join(tmpdir(), "looplab-mlflow-uploads"),
  opts: { maxAgeMs?: number; now?: () => number } = {},
) {
  const maxAgeMs = opts.maxAgeMs ?? 24 * 60 * 60 * 1000;
  const now = opts.now ?? Date.now;
  let lastSweep = Number.NEGATIVE_INFINITY;

  /** Removes staged files and upload folders untouched for `maxAgeMs` (adding a part touches its folder). */
  async function sweepStale(): Promise<void> {
    if (now() - lastSweep < Math.min(maxAgeMs, 60 * 60 * 1000)) return;
    lastSweep = now();
    const names = await readdir(root).catch(() => [] as string[]);
    for (const name of names) {
      if (!/^(put|mpu)-/.test(name)) continue;
      const path = join(root, name);
      const info = await stat(path).catch(() => null);
      if (info && now() - info.mtimeMs > maxAgeMs) await rm(path, { recursive: true, force: true });
    }
  }

  async function stage(body: Readable): Promise<StagedFile> {
    await mkdir(root, { recursive: true });
    const path = join(root, `put-${randomUUID()}`);
    const hash = newSha256();
    const digest = new DigestStream([hash]);
    try {
      await pipeline(body, digest, createWriteStream(path));
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return {
      path,
      sha256: hash.digest("hex"),
      size: digest.bytes,
      open: () => createReadStream(path),
      remove: () => rm(path, { force: true }),
    };
  }

  const uploadDir = (uploadId: string) => {
    if (!/^[0-9a-f]{32}$/.test(uploadId)) throw invalidParameter(`Invalid upload_id '${uploadId}'`);
    return join(root, `mpu-${uploadId}`);
  };

  return {
    stage,

    async createUpload(): Promise<string> {
      await sweepStale();
      const uploadId = randomUUID().replaceAll("-", "");
      await mkdir(uploadDir(uploadId), { recursive: true });
      return uploadId;
    },

    async putPart(uploadId: string, partNumber: number, body: Readable): Promise<string> {
      const dir = uploadDir(uploadId);
      await stat(dir).catch(() => {
        throw resourceDoesNotExist(`No multipart upload with id ${uploadId}`);
      });
      const hash = newSha256();
      await pipeline(body, new DigestStream([hash]), createWriteStream(join(dir, `part-${partNumber}`)));
      return hash.digest("hex");
    },

    /** Concatenates the parts in order into one staged file; the upload folder is removed. */
    async complete(uploadId: string, partNumbers: number[]): Promise<StagedFile> {
      const dir = uploadDir(uploadId);
      const present = new Set(await readdir(dir).catch(() => [] as string[]));
      if (present.size === 0) throw resourceDoesNotExist(`No multipart upload with id ${uploadId}`);
      const sorted = [...partNumbers].sort((a, b) => a - b);
      for (const n of sorted) {
        if (!present.has(`part-${n}`)) throw invalidParameter(`Part ${n} of upload ${uploadId} was not received`);
      }
      const joined = new PassThrough();
      const feed = (async () => {
        for (const n of sorted) {
          for await (const chunk of createReadStream(join(dir, `part-${n}`))) {
            if (!joined.write(chunk)) await new Promise((resolve) => joined.once("drain", resolve));
          }
        }
        joined.end();
      })();
      feed.catch((error: unknown) => joined.destroy(error as Error));
      const staged = await stage(joined);
      await rm(dir, { recursive: true, force: true });
      return staged;
    },

    async abort(uploadId: string): Promise<void> {
      await rm(uploadDir(uploadId), { recursive: true, force: true });
    },
  };
}
