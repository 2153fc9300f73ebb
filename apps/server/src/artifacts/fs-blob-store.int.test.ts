import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { blobStoreContract } from "../ports/blob-store.contract.js";
import { createFsBlobStore } from "./fs-blob-store.js";
import { partChecksumOf } from "./part-checksum.js";

blobStoreContract("local folder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "looplab-blobs-"));
  return { store: createFsBlobStore(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

blobStoreContract("local folder, fsync before visible", async () => {
  const dir = mkdtempSync(join(tmpdir(), "looplab-blobs-"));
  return {
    store: createFsBlobStore(dir, { sync: "immediate" }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe("local folder uploads across a restart", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  const partSize = 65_536;
  const part = (uploadId: string, bytes: Buffer, n: number) => {
    const data = bytes.subarray((n - 1) * partSize, n * partSize);
    return {
      spec: {
        uploadId,
        partNumber: n,
        partSize,
        offset: (n - 1) * partSize,
        size: data.length,
        checksum: partChecksumOf(data, "crc32"),
      },
      data,
    };
  };

  it("completes with the parts an earlier process received, in any order, without their being re-sent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "looplab-blobs-"));
    dirs.push(dir);
    const bytes = randomBytes(4 * partSize + 17);
    const uploadId = "c".repeat(32);
    const before = createFsBlobStore(dir);
    for (const n of [4, 2, 5]) {
      const { spec, data } = part(uploadId, bytes, n);
      await before.putPart(spec, Readable.from([data]));
    }
    await before.close();

    const after = createFsBlobStore(dir);
    for (const n of [3, 1]) {
      const { spec, data } = part(uploadId, bytes, n);
      await after.putPart(spec, Readable.from([data]));
    }
    // A re-sent part that was already received is checked and dropped, never rewritten.
    const { spec, data } = part(uploadId, bytes, 2);
    await expect(after.putPart(spec, Readable.from([data.subarray(1)]))).rejects.toThrow(/expected/);
    await after.completeUpload({ uploadId, partCount: 5, partSize, size: bytes.length, sha256: sha(bytes) });
    const chunks: Buffer[] = [];
    for await (const c of (await after.get(sha(bytes))) as Readable) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(readdirSync(join(dir, "uploads"))).toEqual([]);
    await after.close();
  });

  it("says which parts are missing when completing too early", async () => {
    const dir = mkdtempSync(join(tmpdir(), "looplab-blobs-"));
    dirs.push(dir);
    const bytes = randomBytes(3 * partSize);
    const uploadId = "d".repeat(32);
    const store = createFsBlobStore(dir);
    const { spec, data } = part(uploadId, bytes, 2);
    await store.putPart(spec, Readable.from([data]));
    const error = await store
      .completeUpload({ uploadId, partCount: 3, partSize, size: bytes.length, sha256: sha(bytes) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FAILED_PRECONDITION", details: { missingParts: [1, 3] } });
    await store.close();
  });
});
