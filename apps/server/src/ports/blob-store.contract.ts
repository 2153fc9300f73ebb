import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { isLooplabError, type PartChecksum } from "@looplab/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "./blob-store.js";

/** The behaviour every BlobStore adapter must have; run by each adapter's test file. */
/** Computed here, not with the adapters' own code, so that the contract checks it. */
function partChecksumOf(data: Buffer, algorithm: "crc32" | "sha256"): PartChecksum {
  if (algorithm === "crc32") return `crc32:${crc32(data).toString(16).padStart(8, "0")}`;
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

export function blobStoreContract(name: string, open: () => Promise<{ store: BlobStore; cleanup(): Promise<void> }>) {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let cleanup: () => Promise<void>;
    let uploadSeq = 0;

    beforeAll(async () => {
      ({ store, cleanup } = await open());
    });
    afterAll(async () => {
      await store.close();
      await cleanup();
    });

    const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    const bodyOf = (b: Buffer, chunk = 7_000) =>
      Readable.from(
        Array.from({ length: Math.ceil(b.length / chunk) }, (_, i) => b.subarray(i * chunk, (i + 1) * chunk)),
      );
    /** A body that sends `sent` bytes then fails, as a dropped connection does. */
    const brokenBody = (b: Buffer, sent: number) => {
      let done = false;
      return new Readable({
        read() {
          if (done) return;
          done = true;
          this.push(b.subarray(0, sent));
          setTimeout(() => this.destroy(new Error("connection reset")), 5);
        },
      });
    };
    async function readAll(stream: Readable | null): Promise<Buffer | null> {
      if (!stream) return null;
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    }
    async function expectCode(promise: Promise<unknown>, code: string) {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, "expected a rejection").not.toBeNull();
      expect(isLooplabError(error) ? error.code : String(error)).toBe(code);
    }
    const newUploadId = () => (++uploadSeq).toString(16).padStart(32, "a");

    it("stores a verified blob and reads it whole and by range", async () => {
      const bytes = randomBytes(300_000);
      const digest = sha(bytes);
      expect(await store.put(digest, bodyOf(bytes), { size: bytes.length })).toEqual({ size: bytes.length });
      expect(await store.head(digest)).toEqual({ size: bytes.length });
      expect((await readAll(await store.get(digest)))?.equals(bytes)).toBe(true);
      const part = await readAll(await store.get(digest, { start: 1000, end: 1999 }));
      expect(part?.equals(bytes.subarray(1000, 2000))).toBe(true);
      const tail = await readAll(await store.get(digest, { start: bytes.length - 10, end: bytes.length - 1 }));
      expect(tail?.equals(bytes.subarray(bytes.length - 10))).toBe(true);
      const listed: string[] = [];
      for await (const info of store.list()) listed.push(info.sha256);
      expect(listed).toContain(digest);
    });

    it("stores the empty blob", async () => {
      const empty = Buffer.alloc(0);
      await store.put(sha(empty), bodyOf(empty), { size: 0 });
      expect(await store.head(sha(empty))).toEqual({ size: 0 });
      expect((await readAll(await store.get(sha(empty))))?.length).toBe(0);
    });

    it("refuses a digest or size mismatch and keeps nothing", async () => {
      const bytes = randomBytes(50_000);
      const claimed = sha(Buffer.from("something else"));
      await expectCode(store.put(claimed, bodyOf(bytes)), "UNPROCESSABLE");
      expect(await store.head(claimed)).toBeNull();
      await expectCode(store.put(sha(bytes), bodyOf(bytes), { size: 49_999 }), "UNPROCESSABLE");
      await expectCode(store.put(sha(bytes), bodyOf(bytes), { size: 50_001 }), "UNPROCESSABLE");
      expect(await store.head(sha(bytes))).toBeNull();
    });

    it("keeps nothing from a body that breaks off", async () => {
      const bytes = randomBytes(100_000);
      await expect(store.put(sha(bytes), brokenBody(bytes, 40_000), { size: bytes.length })).rejects.toThrow();
      expect(await store.head(sha(bytes))).toBeNull();
      expect(await store.get(sha(bytes))).toBeNull();
    });

    it("answers null for missing blobs and deletes idempotently", async () => {
      const missing = sha(randomBytes(10));
      expect(await store.head(missing)).toBeNull();
      expect(await store.get(missing)).toBeNull();
      await store.delete(missing);
      const bytes = randomBytes(1000);
      await store.put(sha(bytes), bodyOf(bytes));
      await store.delete(sha(bytes));
      expect(await store.head(sha(bytes))).toBeNull();
    });

    function partsOf(bytes: Buffer, partSize: number) {
      const count = Math.max(1, Math.ceil(bytes.length / partSize));
      return Array.from({ length: count }, (_, i) => {
        const data = bytes.subarray(i * partSize, (i + 1) * partSize);
        // Odd parts carry a CRC-32, even ones a sha256: a store checks either.
        const checksum = partChecksumOf(data, i % 2 === 0 ? "crc32" : "sha256");
        return { partNumber: i + 1, partSize, offset: i * partSize, size: data.length, checksum, data };
      });
    }

    it("joins parts sent in order into a verified blob", async () => {
      const bytes = randomBytes(5 * 65_536 + 123);
      const uploadId = newUploadId();
      for (const p of partsOf(bytes, 65_536)) await store.putPart({ uploadId, ...p }, bodyOf(p.data));
      const uploads: string[] = [];
      for await (const id of store.listUploads()) uploads.push(id);
      expect(uploads).toContain(uploadId);
      await store.completeUpload({ uploadId, partCount: 6, partSize: 65_536, size: bytes.length, sha256: sha(bytes) });
      expect((await readAll(await store.get(sha(bytes))))?.equals(bytes)).toBe(true);
      const after: string[] = [];
      for await (const id of store.listUploads()) after.push(id);
      expect(after).not.toContain(uploadId);
    });

    it("joins parts sent out of order, concurrently and twice", async () => {
      const bytes = randomBytes(4 * 65_536);
      const uploadId = newUploadId();
      const parts = partsOf(bytes, 65_536);
      const [p1, p2, p3, p4] = parts as [(typeof parts)[0], (typeof parts)[0], (typeof parts)[0], (typeof parts)[0]];
      await store.putPart({ uploadId, ...p3 }, bodyOf(p3.data));
      await Promise.all([p1, p2].map((p) => store.putPart({ uploadId, ...p }, bodyOf(p.data))));
      await store.putPart({ uploadId, ...p1 }, bodyOf(p1.data));
      await store.putPart({ uploadId, ...p4 }, bodyOf(p4.data));
      await store.putPart({ uploadId, ...p3 }, bodyOf(p3.data));
      await store.completeUpload({ uploadId, partCount: 4, partSize: 65_536, size: bytes.length, sha256: sha(bytes) });
      expect((await readAll(await store.get(sha(bytes))))?.equals(bytes)).toBe(true);
    });

    it("joins many parts sent all at once in reverse order", async () => {
      const bytes = randomBytes(7 * 65_536 + 5);
      const uploadId = newUploadId();
      const parts = partsOf(bytes, 65_536).reverse();
      await Promise.all(parts.map((p) => store.putPart({ uploadId, ...p }, bodyOf(p.data))));
      await store.completeUpload({ uploadId, partCount: 8, partSize: 65_536, size: bytes.length, sha256: sha(bytes) });
      expect((await readAll(await store.get(sha(bytes))))?.equals(bytes)).toBe(true);
    });

    it("keeps a received part when a retry of it breaks off at the same time", async () => {
      const bytes = randomBytes(3 * 65_536);
      const uploadId = newUploadId();
      const [p1, p2, p3] = partsOf(bytes, 65_536) as ReturnType<typeof partsOf>;
      if (!p1 || !p2 || !p3) throw new Error("parts");
      const garbage = randomBytes(65_536);
      const first = await Promise.allSettled([
        store.putPart({ uploadId, ...p2 }, bodyOf(p2.data)),
        store.putPart({ uploadId, ...p2 }, brokenBody(garbage, 40_000)),
      ]);
      expect(first.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
      const second = await Promise.allSettled([
        store.putPart({ uploadId, ...p3 }, brokenBody(garbage, 40_000)),
        store.putPart({ uploadId, ...p3 }, bodyOf(p3.data)),
      ]);
      expect(second.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
      await store.putPart({ uploadId, ...p1 }, bodyOf(p1.data));
      await store.completeUpload({ uploadId, partCount: 3, partSize: 65_536, size: bytes.length, sha256: sha(bytes) });
      expect((await readAll(await store.get(sha(bytes))))?.equals(bytes)).toBe(true);
    });

    it("discards a part whose digest or size does not match, and one that breaks off", async () => {
      const bytes = randomBytes(3 * 65_536);
      const uploadId = newUploadId();
      const [p1, p2, p3] = partsOf(bytes, 65_536) as ReturnType<typeof partsOf>;
      if (!p1 || !p2 || !p3) throw new Error("parts");
      await expectCode(store.putPart({ uploadId, ...p1, checksum: p2.checksum }, bodyOf(p1.data)), "UNPROCESSABLE");
      await expectCode(store.putPart({ uploadId, ...p1 }, bodyOf(p1.data.subarray(1))), "UNPROCESSABLE");
      await expect(store.putPart({ uploadId, ...p1 }, brokenBody(p1.data, 30_000))).rejects.toThrow();
      await store.putPart({ uploadId, ...p1 }, bodyOf(p1.data));
      await expect(store.putPart({ uploadId, ...p2 }, brokenBody(p2.data, 30_000))).rejects.toThrow();
      await expectCode(
        store.putPart({ uploadId, ...p3, checksum: partChecksumOf(p1.data, "sha256") }, bodyOf(p3.data)),
        "UNPROCESSABLE",
      );
      await store.putPart({ uploadId, ...p2 }, bodyOf(p2.data));
      await store.putPart({ uploadId, ...p3 }, bodyOf(p3.data));
      await store.completeUpload({ uploadId, partCount: 3, partSize: 65_536, size: bytes.length, sha256: sha(bytes) });
      expect((await readAll(await store.get(sha(bytes))))?.equals(bytes)).toBe(true);
    });

    it("refuses to complete with the wrong whole-file digest and keeps nothing", async () => {
      const bytes = randomBytes(2 * 65_536);
      const uploadId = newUploadId();
      for (const p of partsOf(bytes, 65_536)) await store.putPart({ uploadId, ...p }, bodyOf(p.data));
      const claimed = sha(Buffer.from("not these bytes"));
      await expectCode(
        store.completeUpload({ uploadId, partCount: 2, partSize: 65_536, size: bytes.length, sha256: claimed }),
        "UNPROCESSABLE",
      );
      expect(await store.head(claimed)).toBeNull();
      expect(await store.head(sha(bytes))).toBeNull();
      await store.abortUpload(uploadId);
    });

    it("aborts an upload, discarding its parts", async () => {
      const bytes = randomBytes(2 * 65_536);
      const uploadId = newUploadId();
      const [p1] = partsOf(bytes, 65_536);
      if (!p1) throw new Error("parts");
      await store.putPart({ uploadId, ...p1 }, bodyOf(p1.data));
      await store.abortUpload(uploadId);
      await store.abortUpload(uploadId);
      const uploads: string[] = [];
      for await (const id of store.listUploads()) uploads.push(id);
      expect(uploads).not.toContain(uploadId);
      await expect(
        store.completeUpload({ uploadId, partCount: 2, partSize: 65_536, size: bytes.length, sha256: sha(bytes) }),
      ).rejects.toThrow();
      expect(await store.head(sha(bytes))).toBeNull();
    });

    it("completes an upload of one empty part", async () => {
      const empty = Buffer.alloc(0);
      const uploadId = newUploadId();
      await store.putPart(
        { uploadId, partNumber: 1, partSize: 65_536, offset: 0, size: 0, checksum: partChecksumOf(empty, "crc32") },
        bodyOf(empty),
      );
      await store.completeUpload({ uploadId, partCount: 1, partSize: 65_536, size: 0, sha256: sha(empty) });
      expect(await store.head(sha(empty))).toEqual({ size: 0 });
    });
  });
}
