import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkPartChecksum, createPartChecksummer, partChecksumOf } from "./part-checksum.js";

describe("part checksums", () => {
  it("computes CRC-32 as zlib and S3 define it, zero-padded lowercase hex", () => {
    expect(partChecksumOf(Buffer.from("123456789"), "crc32")).toBe("crc32:cbf43926");
    expect(partChecksumOf(Buffer.alloc(0), "crc32")).toBe("crc32:00000000");
    // A value whose hex has leading zeros keeps all 8 characters.
    expect(partChecksumOf(Buffer.from("33"), "crc32")).toBe("crc32:0a6216d9");
  });

  it("gives the same result fed in chunks as whole, for both algorithms", () => {
    const bytes = randomBytes(300_001);
    for (const algorithm of ["crc32", "sha256"] as const) {
      const chunked = createPartChecksummer(algorithm);
      for (let offset = 0; offset < bytes.length; offset += 65_536)
        chunked.update(bytes.subarray(offset, offset + 65_536));
      expect(chunked.result()).toBe(partChecksumOf(bytes, algorithm));
    }
    expect(partChecksumOf(bytes, "sha256")).toBe(`sha256:${createHash("sha256").update(bytes).digest("hex")}`);
  });

  it("refuses other bytes or another size with UNPROCESSABLE, naming both checksums", () => {
    const expected = { size: 3, checksum: partChecksumOf(Buffer.from("abc"), "crc32") };
    expect(() => checkPartChecksum("part 1", { bytes: 3, checksum: expected.checksum }, expected)).not.toThrow();
    expect(() => checkPartChecksum("part 1", { bytes: 2, checksum: expected.checksum }, expected)).toThrow(
      expect.objectContaining({ code: "UNPROCESSABLE", details: { expectedSize: 3, receivedSize: 2 } }),
    );
    const other = partChecksumOf(Buffer.from("abd"), "crc32");
    expect(() => checkPartChecksum("part 1", { bytes: 3, checksum: other }, expected)).toThrow(
      expect.objectContaining({
        code: "UNPROCESSABLE",
        details: { expectedChecksum: expected.checksum, actualChecksum: other },
      }),
    );
  });
});
