import { randomBytes } from "node:crypto";
import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsApi, json, sha } from "./artifacts-client.js";

const KiB = 1024;

describe.each(storeFactories)("artifacts API on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof artifactsApi>;

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
    api = artifactsApi(server.url);
  });
  afterAll(() => server.close());

  it("uploads in parts, lists the file tree and downloads whole and by range", async () => {
    const runId = await api.newRun();
    const bytes = randomBytes(300 * KiB + 17);
    const done = await api.upload(runId, "models/final.onnx", bytes, { type: "model", partSize: 64 * KiB });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: "complete", partCount: 5, deduplicated: false });
    expect(done.body.artifact).toMatchObject({ path: "models/final.onnx", size: bytes.length, sha256: sha(bytes) });

    await api.upload(runId, "notes.txt", Buffer.from("hello"));
    const list = await api.call("GET", `/api/v1/runs/${runId}/artifacts`);
    expect(list.status).toBe(200);
    expect(list.body.artifacts.map((a: any) => a.path)).toEqual(["models/final.onnx", "notes.txt"]);
    expect(list.body).toMatchObject({ totalCount: 2, totalBytes: bytes.length + 5 });
    const models = await api.call("GET", `/api/v1/runs/${runId}/artifacts?prefix=models/&limit=1`);
    expect(models.body.artifacts).toHaveLength(1);
    expect(models.body.nextPageToken).toBeNull();
    const paged = await api.call("GET", `/api/v1/runs/${runId}/artifacts?limit=1`);
    expect(paged.body.nextPageToken).not.toBeNull();
    const next = await api.call(
      "GET",
      `/api/v1/runs/${runId}/artifacts?limit=1&pageToken=${encodeURIComponent(paged.body.nextPageToken)}`,
    );
    expect(next.body.artifacts[0].path).toBe("notes.txt");

    const whole = await api.download(runId, "models/final.onnx");
    expect(whole.status).toBe(200);
    expect(whole.bytes.equals(bytes)).toBe(true);
    expect(whole.headers.get("etag")).toBe(`"${sha(bytes)}"`);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");

    const ranged = await api.download(runId, "models/final.onnx", { range: "bytes=1000-1999" });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(ranged.bytes.equals(bytes.subarray(1000, 2000))).toBe(true);
    const suffix = await api.download(runId, "models/final.onnx", { range: "bytes=-10" });
    expect(suffix.bytes.equals(bytes.subarray(bytes.length - 10))).toBe(true);
    const open = await api.download(runId, "models/final.onnx", { range: `bytes=${bytes.length - 5}-` });
    expect(open.bytes.equals(bytes.subarray(bytes.length - 5))).toBe(true);

    const bad = await api.download(runId, "models/final.onnx", { range: `bytes=${bytes.length}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
    expect(JSON.parse(bad.bytes.toString()).error.code).toBe("RANGE_NOT_SATISFIABLE");
    const cached = await api.download(runId, "models/final.onnx", { "if-none-match": `"${sha(bytes)}"` });
    expect(cached.status).toBe(304);
  });

  it("stores the same bytes once across runs and creates the artifact at once", async () => {
    const bytes = randomBytes(200 * KiB);
    const [a, b] = [await api.newRun("dedup"), await api.newRun("dedup")];
    await api.upload(a, "data/train.bin", bytes, { type: "dataset" });
    const second = await api.startUpload(b, "inputs/train.bin", bytes, { type: "dataset" });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ state: "complete", deduplicated: true });
    expect(second.body.artifact.sha256).toBe(sha(bytes));
    expect((await api.download(b, "inputs/train.bin")).bytes.equals(bytes)).toBe(true);
    const again = await api.startUpload(a, "data/train.bin", bytes, { type: "dataset" });
    expect(again.body).toMatchObject({ state: "complete", deduplicated: true });
    const project = await api.call("GET", "/api/v1/projects/dedup/storage");
    expect(project.body).toMatchObject({ artifactCount: 2, logicalBytes: 2 * bytes.length, uniqueBytes: bytes.length });
    const runUsage = await api.call("GET", `/api/v1/runs/${a}/storage`);
    expect(runUsage.body).toMatchObject({ artifactCount: 1, logicalBytes: bytes.length, uniqueBytes: bytes.length });
    let stored = 0;
    for await (const info of server.blobStore.list()) if (info.sha256 === sha(bytes)) stored++;
    expect(stored).toBe(1);
  });

  it("one-shot uploads small files, verified, and refuses a different file at the same path", async () => {
    const runId = await api.newRun();
    const bytes = Buffer.from("metrics,step\n0.5,10\n");
    const put = (path: string, body: Uint8Array, digest: string, extra = "") =>
      fetch(`${server.url}/api/v1/runs/${runId}/artifacts/content?path=${path}&sha256=${digest}${extra}`, {
        method: "PUT",
        body,
        headers: { "content-type": "application/octet-stream" },
      }).then(async (r) => ({ status: r.status, body: await json(r) }));
    const ok = await put("eval/preds.csv", bytes, sha(bytes), "&type=predictions");
    expect(ok.status).toBe(201);
    expect(ok.body.artifact).toMatchObject({ type: "predictions", size: bytes.length, state: "live" });
    const same = await put("eval/preds.csv", bytes, sha(bytes), "&type=predictions");
    expect(same.status).toBe(201);
    expect(same.body.deduplicated).toBe(true);
    const other = Buffer.from("other");
    expect((await put("eval/preds.csv", other, sha(other))).status).toBe(409);
    const replaced = await put("eval/preds.csv", other, sha(other), "&overwrite=true");
    expect(replaced.status).toBe(201);
    expect((await api.download(runId, "eval/preds.csv")).bytes.toString()).toBe("other");
    const lie = await put("eval/lie.csv", bytes, sha(other));
    expect(lie.status).toBe(422);
    expect(lie.body.error.code).toBe("UNPROCESSABLE");
    expect((await api.call("GET", `/api/v1/runs/${runId}/artifacts/info?path=eval/lie.csv`)).status).toBe(404);
    expect(await server.blobStore.head(sha(other))).not.toBeNull();
  });

  it("refuses path traversal and malformed paths with 400", async () => {
    const runId = await api.newRun();
    const bytes = Buffer.from("x");
    for (const path of [
      "../etc/passwd",
      "a/../../b",
      "/abs/path",
      "a//b",
      "a/",
      "a\\b",
      "a\u0000b",
      "./a",
      "x".repeat(256),
      `${"a/".repeat(600)}b`,
      "",
    ]) {
      const res = await api.startUpload(runId, path, bytes);
      expect(res.status, JSON.stringify(path)).toBe(400);
      expect(res.body.error.code).toBe("INVALID_ARGUMENT");
    }
    const viaQuery = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/content?path=..%2Fsecret`);
    expect(viaQuery.status).toBe(400);
    const oneShot = await fetch(
      `${server.url}/api/v1/runs/${runId}/artifacts/content?path=%2Fetc%2Fx&sha256=${sha(bytes)}`,
      { method: "PUT", body: bytes, headers: { "content-type": "application/octet-stream" } },
    );
    expect(oneShot.status).toBe(400);
  });

  it("discards a part with the wrong digest (422) and a whole file with the wrong digest stores nothing", async () => {
    const runId = await api.newRun();
    const bytes = randomBytes(128 * KiB);
    const created = (await api.startUpload(runId, "w.bin", bytes, { partSize: 64 * KiB })).body;
    const p1 = bytes.subarray(0, 64 * KiB);
    const wrong = await api.putPart(created.uploadId, 1, p1, sha(Buffer.from("nope")));
    expect(wrong.status).toBe(422);
    expect((await api.call("GET", `/api/v1/uploads/${created.uploadId}`)).body.receivedParts).toEqual([]);
    expect((await api.putPart(created.uploadId, 1, p1.subarray(1))).status).toBe(422);
    expect((await api.putPart(created.uploadId, 1, p1)).status).toBe(200);
    const incomplete = await api.call("POST", `/api/v1/uploads/${created.uploadId}/complete`);
    expect(incomplete.status).toBe(409);
    expect(incomplete.body.error.details.missingParts).toEqual([2]);
    const noHeader = await fetch(`${server.url}/api/v1/uploads/${created.uploadId}/parts/2`, {
      method: "PUT",
      body: bytes.subarray(64 * KiB),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(noHeader.status).toBe(400);

    // Declared digest of the whole file is a lie: every part verifies, completion does not.
    const claimed = randomBytes(128 * KiB);
    const liar = (
      await api.call("POST", `/api/v1/runs/${runId}/uploads`, {
        path: "liar.bin",
        size: bytes.length,
        sha256: sha(claimed),
        partSize: 64 * KiB,
      })
    ).body;
    await api.putPart(liar.uploadId, 1, bytes.subarray(0, 64 * KiB));
    await api.putPart(liar.uploadId, 2, bytes.subarray(64 * KiB));
    const res = await api.call("POST", `/api/v1/uploads/${liar.uploadId}/complete`);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("UNPROCESSABLE");
    expect((await api.call("GET", `/api/v1/runs/${runId}/artifacts/info?path=liar.bin`)).status).toBe(404);
    expect(await server.blobStore.head(sha(claimed))).toBeNull();
    expect(await server.blobStore.head(sha(bytes))).toBeNull();
    expect((await api.call("GET", `/api/v1/uploads/${liar.uploadId}`)).body.state).toBe("aborted");
  });

  it("resumes an upload killed half-way, re-sending under 60% of the bytes; nothing is visible before", async () => {
    const runId = await api.newRun();
    const partSize = 64 * KiB;
    const bytes = randomBytes(10 * partSize);
    const session = (await api.startUpload(runId, "ckpt/model.pt", bytes, { partSize })).body;
    let sentFirst = 0;
    for (let n = 1; n <= 5; n++) {
      const part = bytes.subarray((n - 1) * partSize, n * partSize);
      await api.putPart(session.uploadId, n, part);
      sentFirst += part.length;
    }
    // Part 6 dies mid-stream: the connection drops after half its bytes.
    const controller = new AbortController();
    const part6 = bytes.subarray(5 * partSize, 6 * partSize);
    const half = new ReadableStream({
      start(c) {
        c.enqueue(part6.subarray(0, partSize / 2));
        setTimeout(() => controller.abort(), 50);
      },
    });
    await fetch(`${server.url}/api/v1/uploads/${session.uploadId}/parts/6`, {
      method: "PUT",
      body: half,
      duplex: "half",
      signal: controller.signal,
      headers: { "content-type": "application/octet-stream", "x-looplab-part-sha256": sha(part6) },
    } as RequestInit).catch(() => undefined);
    sentFirst += partSize / 2;
    await new Promise((r) => setTimeout(r, 100));

    expect((await api.download(runId, "ckpt/model.pt")).status).toBe(404);
    const status = (await api.call("GET", `/api/v1/uploads/${session.uploadId}`)).body;
    expect(status.receivedParts).toEqual([1, 2, 3, 4, 5]);
    let resent = 0;
    for (let n = 1; n <= session.partCount; n++) {
      if (status.receivedParts.includes(n)) continue;
      const part = bytes.subarray((n - 1) * partSize, n * partSize);
      expect((await api.putPart(session.uploadId, n, part)).status).toBe(200);
      resent += part.length;
    }
    const done = await api.call("POST", `/api/v1/uploads/${session.uploadId}/complete`);
    expect(done.status).toBe(200);
    expect(resent / bytes.length).toBeLessThan(0.6);
    expect(sentFirst).toBeGreaterThan(0);
    expect((await api.download(runId, "ckpt/model.pt")).bytes.equals(bytes)).toBe(true);
  });

  it("aborts an upload and answers 404 for unknown uploads, runs and artifacts", async () => {
    const runId = await api.newRun();
    const bytes = randomBytes(70 * KiB);
    const session = (await api.startUpload(runId, "a.bin", bytes, { partSize: 64 * KiB })).body;
    await api.putPart(session.uploadId, 1, bytes.subarray(0, 64 * KiB));
    expect((await api.call("DELETE", `/api/v1/uploads/${session.uploadId}`)).status).toBe(200);
    expect((await api.putPart(session.uploadId, 2, bytes.subarray(64 * KiB))).status).toBe(409);
    expect((await api.call("GET", `/api/v1/uploads/${"f".repeat(32)}`)).status).toBe(404);
    expect((await api.putPart("f".repeat(32), 1, bytes)).status).toBe(404);
    expect((await api.download(runId, "nothing.bin")).status).toBe(404);
    expect((await api.download("e".repeat(32), "x")).status).toBe(404);
  });

  it("soft-deletes, restores and purges an artifact; a missing blob downloads as 404", async () => {
    const runId = await api.newRun();
    const bytes = randomBytes(10 * KiB);
    await api.upload(runId, "x.bin", bytes);
    expect((await api.call("DELETE", `/api/v1/runs/${runId}/artifacts?path=x.bin`)).status).toBe(200);
    expect((await api.download(runId, "x.bin")).status).toBe(404);
    expect((await api.call("GET", `/api/v1/runs/${runId}/artifacts`)).body.artifacts).toEqual([]);
    const all = await api.call("GET", `/api/v1/runs/${runId}/artifacts?includeDeleted=true`);
    expect(all.body.artifacts[0].state).toBe("deleted");
    expect((await api.call("POST", `/api/v1/runs/${runId}/artifacts/restore?path=x.bin`)).body.state).toBe("live");
    expect((await api.download(runId, "x.bin")).bytes.equals(bytes)).toBe(true);

    await server.blobStore.delete(sha(bytes));
    const gone = await api.download(runId, "x.bin");
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.bytes.toString()).error.code).toBe("NOT_FOUND");
    expect((await api.call("DELETE", `/api/v1/runs/${runId}/artifacts?path=x.bin&purge=true`)).status).toBe(200);
    expect((await api.call("GET", `/api/v1/runs/${runId}/artifacts/info?path=x.bin`)).status).toBe(404);
  });
});
