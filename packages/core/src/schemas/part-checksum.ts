import { z } from "zod";
import { invalidArgument } from "../errors.js";

/**
 * How an upload part's bytes are checked on arrival. A part carries exactly one checksum
 * header; the whole file is verified against its sha256 on completion either way, so the part
 * check only has to catch a damaged part early enough to re-send that part alone.
 */

/** Request header carrying the lowercase hex sha256 of an upload part. */
export const PART_SHA256_HEADER = "x-looplab-part-sha256";
/**
 * Request header carrying an upload part's CRC-32 (IEEE 802.3, as zlib, Python's `zlib.crc32`
 * and S3's CRC32 checksum compute it) as 8 lowercase hex characters: about 3× cheaper than sha256
 * for client and server alike.
 */
export const PART_CRC32_HEADER = "x-looplab-part-crc32";

/** A part's checksum as `<algorithm>:<lowercase hex>`: `crc32:1c291ca3` or `sha256:<64 hex>`. */
export const partChecksumSchema = z
  .string()
  .regex(/^(crc32:[0-9a-f]{8}|sha256:[0-9a-f]{64})$/, "must be crc32:<8 hex> or sha256:<64 hex>");
export type PartChecksum = `crc32:${string}` | `sha256:${string}`;

/** A CRC-32 value (as zlib computes it) as a part checksum: `crc32:` and 8 lowercase hex characters. */
export function crc32PartChecksum(value: number): PartChecksum {
  return `crc32:${(value >>> 0).toString(16).padStart(8, "0")}`;
}

/** The request header that carries a part checksum, as `{ name: hex }`. */
export function partChecksumHeader(checksum: PartChecksum): Record<string, string> {
  const [algorithm, hex] = checksum.split(":") as [string, string];
  return { [algorithm === "crc32" ? PART_CRC32_HEADER : PART_SHA256_HEADER]: hex };
}

/** The part checksum named by a request's headers (either case); INVALID_ARGUMENT unless exactly one is valid. */
export function partChecksumFromHeaders(headers: {
  crc32?: string | undefined;
  sha256?: string | undefined;
}): PartChecksum {
  const { crc32, sha256 } = headers;
  if (crc32 !== undefined && sha256 !== undefined) {
    throw invalidArgument(`send one part checksum: ${PART_CRC32_HEADER} or ${PART_SHA256_HEADER}, not both`);
  }
  if (crc32 !== undefined) {
    const hex = crc32.trim().toLowerCase();
    if (!/^[0-9a-f]{8}$/.test(hex)) {
      throw invalidArgument(`header ${PART_CRC32_HEADER} must be the part's CRC-32 as 8 hex characters`);
    }
    return `crc32:${hex}`;
  }
  if (sha256 !== undefined) {
    const hex = sha256.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hex)) {
      throw invalidArgument(`header ${PART_SHA256_HEADER} must be the part's sha256 as 64 hex characters`);
    }
    return `sha256:${hex}`;
  }
  throw invalidArgument(
    `a part needs a checksum header: ${PART_CRC32_HEADER} (8 hex) or ${PART_SHA256_HEADER} (64 hex)`,
  );
}
