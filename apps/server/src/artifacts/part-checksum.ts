import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { crc32PartChecksum, LooplabError, type PartChecksum } from "@looplab/core";
import { type ChunkHasher, sizeMismatch } from "./digest-stream.js";

/** Computes a part's checksum in the algorithm it was sent with, chunk by chunk. */
export interface PartChecksummer extends ChunkHasher {
  result(): PartChecksum;
}

export type PartChecksumAlgorithm = "crc32" | "sha256";

export function algorithmOf(checksum: PartChecksum): PartChecksumAlgorithm {
  return checksum.startsWith("crc32:") ? "crc32" : "sha256";
}

export function createPartChecksummer(algorithm: PartChecksumAlgorithm): PartChecksummer {
  if (algorithm === "sha256") {
    const hash = createHash("sha256");
    return {
      update: (chunk) => hash.update(chunk),
      result: () => `sha256:${hash.digest("hex")}`,
    };
  }
  let value = 0;
  return {
    update(chunk) {
      value = crc32(chunk, value);
    },
    result: () => crc32PartChecksum(value),
  };
}

/** Throws UNPROCESSABLE unless the part's bytes had the expected size and checksum. */
export function checkPartChecksum(
  label: string,
  seen: { bytes: number; checksum: PartChecksum },
  expected: { size: number; checksum: PartChecksum },
): void {
  if (seen.bytes !== expected.size) throw sizeMismatch(label, expected.size, seen.bytes);
  if (seen.checksum !== expected.checksum) {
    throw new LooplabError(
      "UNPROCESSABLE",
      `${label}: checksum mismatch (expected ${expected.checksum}, got ${seen.checksum})`,
      { expectedChecksum: expected.checksum, actualChecksum: seen.checksum },
    );
  }
}

/** The checksum of some bytes held whole (tests, clients holding a part in memory). */
export function partChecksumOf(bytes: Uint8Array, algorithm: PartChecksumAlgorithm): PartChecksum {
  const checksummer = createPartChecksummer(algorithm);
  checksummer.update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return checksummer.result();
}
