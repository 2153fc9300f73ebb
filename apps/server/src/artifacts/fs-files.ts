import { createReadStream, createWriteStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type ChunkHasher, DigestStream } from "./digest-stream.js";

/** Small file-system steps shared by the folder blob store and its upload staging. */

/** Streams `body` into `path` at `start` (creating or overwriting), feeding `hashes`; returns bytes written. */
export async function writeHashed(
  body: Readable,
  path: string,
  opts: { hashes: ChunkHasher[]; start?: number; limit?: number | undefined; label: string; create: boolean },
): Promise<number> {
  const digest = new DigestStream(opts.hashes, { limit: opts.limit, label: opts.label });
  const out = createWriteStream(path, {
    flags: opts.create ? "w" : "r+",
    start: opts.start ?? 0,
    highWaterMark: 1024 * 1024,
  });
  await pipeline(body, digest, out);
  return digest.bytes;
}

/** Feeds a stream to `hashes` (at most `limit` bytes) and discards it; returns the byte count. */
export async function hashStream(
  body: Readable,
  hashes: ChunkHasher[],
  opts: { limit?: number | undefined; label: string },
): Promise<number> {
  const digest = new DigestStream(hashes, opts);
  await pipeline(body, digest, async (source: AsyncIterable<Buffer>) => {
    for await (const _chunk of source) {
      // hashing only
    }
  });
  return digest.bytes;
}

/** Feeds a file's bytes to `hashes` and, when `target` is given, writes them into it at `target.at`. */
export async function copyHashed(source: string, hashes: ChunkHasher[], target?: { path: string; at: number }) {
  const input = createReadStream(source, { highWaterMark: 1024 * 1024 });
  if (!target) return await hashStream(input, hashes, { label: source });
  return await writeHashed(input, target.path, { hashes, start: target.at, label: source, create: false });
}

export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Best-effort fsync of a folder so a rename into it survives a crash (a no-op where unsupported). */
export async function fsyncDir(path: string): Promise<void> {
  try {
    const handle = await open(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot open or sync folders; the rename is still atomic.
  }
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true, recursive: true }).catch(() => undefined);
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
