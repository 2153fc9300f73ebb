import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsApi, json, sha } from "./artifacts-client.js";

const KiB = 1024;
const crcHex = (b: Uint8Array) => crc32(b).toString(16).padStart(8, "0");

describe.each(storeFactories)("upload part checksums on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof artifactsApi>;

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
    api = artifactsApi(server.url);
  });
  afterAll(() => server.close());

  const put = (uploadId: string, n: number, bytes: Uint8Array, headers: Record<string, string>) =>
    fetch(`${server.url}/api/v1/uploads/${uploadId}/parts/${n}`, {
      method: "PUT",
      body: bytes,
      headers: { "content-type": "application/octet-stream", ...headers },
    }).then(async (res) => ({ status: res.status, body: await json(res) }));

  async function openUpload(bytes: Buffer, path: string) {
    const runId = await api.newRun();
    const session = (await api.startUpload(runId, path, bytes, { partSize: 64 * KiB })).body;
    const parts = [0, 1, 2].map((i) => bytes.subarray(i * 64 * KiB, (i + 1) * 64 * KiB));
    return { runId, uploadId: session.uploadId as string, parts: parts as [Buffer, Buffer, Buffer] };
  }

  it("accepts parts checked by CRC-32 or sha256 in one upload, and completes against the whole sha256", async () => {
    const bytes = randomBytes(3 * 64 * KiB);
    const { runId, uploadId, parts } = await openUpload(bytes, "mixed.bin");
    const first = await put(uploadId, 1, parts[0], { "x-looplab-part-crc32": crcHex(parts[0]).toUpperCase() });
    expect(first).toMatchObject({ status: 200, body: { partNumber: 1, checksum: `crc32:${crcHex(parts[0])}` } });
    const second = await put(uploadId, 2, parts[1], { "x-looplab-part-sha256": sha(parts[1]) });
    expect(second).toMatchObject({ status: 200, body: { partNumber: 2, checksum: `sha256:${sha(parts[1])}` } });
    expect((await put(uploadId, 3, parts[2], { "x-looplab-part-crc32": crcHex(parts[2]) })).status).toBe(200);
    // A lost answer: the same part again with the same checksum is verified and acknowledged.
    expect((await put(uploadId, 1, parts[0], { "x-looplab-part-crc32": crcHex(parts[0]) })).status).toBe(200);
    const done = await api.call("POST", `/api/v1/uploads/${uploadId}/complete`);
    expect(done.status).toBe(200);
    expect(done.body.artifact).toMatchObject({ path: "mixed.bin", sha256: sha(bytes), size: bytes.length });
    const back = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/content?path=mixed.bin`);
    expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("discards a part whose CRC-32 does not match (422) and keeps nothing of it", async () => {
    const bytes = randomBytes(3 * 64 * KiB);
    const { uploadId, parts } = await openUpload(bytes, "bad-crc.bin");
    const damaged = Buffer.from(parts[0]);
    damaged[1000] = (damaged[1000] as number) ^ 0xff;
    const res = await put(uploadId, 1, damaged, { "x-looplab-part-crc32": crcHex(parts[0]) });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: "UNPROCESSABLE",
      details: { expectedChecksum: `crc32:${crcHex(parts[0])}`, actualChecksum: `crc32:${crcHex(damaged)}` },
    });
    expect((await api.call("GET", `/api/v1/uploads/${uploadId}`)).body.receivedParts).toEqual([]);
    expect((await put(uploadId, 1, parts[0], { "x-looplab-part-crc32": crcHex(parts[0]) })).status).toBe(200);
  });

  it("answers 400 for a missing, malformed or doubled checksum header, before reading the part", async () => {
    const bytes = randomBytes(3 * 64 * KiB);
    const { uploadId, parts } = await openUpload(bytes, "headers.bin");
    const cases: Record<string, string>[] = [
      {},
      { "x-looplab-part-crc32": "xyz" },
      { "x-looplab-part-crc32": "123456789" },
      { "x-looplab-part-sha256": "abc" },
      { "x-looplab-part-crc32": crcHex(parts[0]), "x-looplab-part-sha256": sha(parts[0]) },
    ];
    for (const headers of cases) {
      const res = await put(uploadId, 1, parts[0], headers);
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(res.body.error.code).toBe("INVALID_ARGUMENT");
      expect(res.body.error.message).toMatch(/x-looplab-part-(crc32|sha256)/);
    }
    expect((await api.call("GET", `/api/v1/uploads/${uploadId}`)).body.receivedParts).toEqual([]);
  });

  it("refuses a received part sent again with another checksum (409), keeping the first", async () => {
    const bytes = randomBytes(3 * 64 * KiB);
    const { uploadId, parts } = await openUpload(bytes, "again.bin");
    expect((await put(uploadId, 2, parts[1], { "x-looplab-part-crc32": crcHex(parts[1]) })).status).toBe(200);
    const otherAlgorithm = await put(uploadId, 2, parts[1], { "x-looplab-part-sha256": sha(parts[1]) });
    expect(otherAlgorithm.status).toBe(409);
    expect(otherAlgorithm.body.error.details).toEqual({ checksum: `crc32:${crcHex(parts[1])}` });
    const otherBytes = await put(uploadId, 2, parts[0], { "x-looplab-part-crc32": crcHex(parts[0]) });
    expect(otherBytes.status).toBe(409);
    expect((await api.call("GET", `/api/v1/uploads/${uploadId}`)).body.receivedParts).toEqual([2]);
  });
});
