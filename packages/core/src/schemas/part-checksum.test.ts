import { describe, expect, it } from "vitest";
import { crc32PartChecksum, partChecksumFromHeaders, partChecksumHeader } from "./part-checksum.js";

describe("part checksums on the wire", () => {
  it("writes a CRC-32 as 8 zero-padded lowercase hex characters, unsigned", () => {
    expect(crc32PartChecksum(0x0a6216d9)).toBe("crc32:0a6216d9");
    expect(crc32PartChecksum(0)).toBe("crc32:00000000");
    expect(crc32PartChecksum(-1)).toBe("crc32:ffffffff");
  });

  it("names each checksum's header, and reads it back", () => {
    const crc = crc32PartChecksum(0xcbf43926);
    expect(partChecksumHeader(crc)).toEqual({ "x-looplab-part-crc32": "cbf43926" });
    expect(partChecksumFromHeaders({ crc32: "cbf43926" })).toBe(crc);
    const sha = `sha256:${"ab".repeat(32)}` as const;
    expect(partChecksumHeader(sha)).toEqual({ "x-looplab-part-sha256": "ab".repeat(32) });
    expect(partChecksumFromHeaders({ sha256: "AB".repeat(32) })).toBe(sha);
  });
});
