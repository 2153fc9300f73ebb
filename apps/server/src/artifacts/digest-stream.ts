import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { LooplabError } from "@looplab/core";

/** Anything fed a stream's bytes chunk by chunk (a node:crypto Hash, a part checksummer). */
export interface ChunkHasher {
  update(chunk: Buffer): unknown;
}

/**
 * A pass-through that feeds every byte to one or more hashes and counts them, failing
 * as soon as more than `limit` bytes arrive (so a lying client cannot fill the disk).
 */
export class DigestStream extends Transform {
  bytes = 0;
  private readonly hashes: ChunkHasher[];
  private readonly limit: number;
  private readonly label: string;

  constructor(hashes: ChunkHasher[], opts: { limit?: number | undefined; label?: string } = {}) {
    super({ highWaterMark: 1024 * 1024 });
    this.hashes = hashes;
    this.limit = opts.limit ?? Number.POSITIVE_INFINITY;
    this.label = opts.label ?? "body";
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(sizeMismatch(this.label, this.limit, `more than ${this.limit}`));
      return;
    }
    for (const hash of this.hashes) hash.update(chunk);
    callback(null, chunk);
  }
}

export const newSha256 = (): Hash => createHash("sha256");

export function sizeMismatch(label: string, expected: number, received: number | string): LooplabError {
  return new LooplabError("UNPROCESSABLE", `${label}: expected ${expected} bytes, received ${received}`, {
    expectedSize: expected,
    receivedSize: received,
  });
}

export function digestMismatch(label: string, expected: string, actual: string): LooplabError {
  return new LooplabError("UNPROCESSABLE", `${label}: sha256 mismatch (expected ${expected}, got ${actual})`, {
    expectedSha256: expected,
    actualSha256: actual,
  });
}

/** Throws UNPROCESSABLE unless the bytes seen have the expected size (when given) and digest. */
export function checkDigest(
  label: string,
  seen: { bytes: number; sha256: string },
  expected: { size?: number | undefined; sha256: string },
): void {
  if (expected.size !== undefined && seen.bytes !== expected.size) throw sizeMismatch(label, expected.size, seen.bytes);
  if (seen.sha256 !== expected.sha256) throw digestMismatch(label, expected.sha256, seen.sha256);
}
