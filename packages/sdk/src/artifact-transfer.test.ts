import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadArtifact } from "./artifact-upload.js";
import { BinaryTransfer } from "./binary-transfer.js";
import type { FetchLike } from "./client.js";
import { downloadArtifactFile, PARTIAL_SUFFIX } from "./node/artifact-download.js";
import { fileSource, selectLocalFiles } from "./node/local-files.js";
import { NodeLooplab as Looplab, type NodeLooplabOptions } from "./node/node-looplab.js";
import { createFileUploadSessions } from "./node/upload-sessions.js";
import type { SdkEvent } from "./sdk-events.js";
import { countingFetch, cutDownload, cutUpload, tempDir, writeFile } from "./testing/artifact-fixtures.js";

let server: RunningServer;
const events: SdkEvent[] = [];

function looplab(options: NodeLooplabOptions = {}): Looplab {
  return new Looplab({
    url: server.url,
    spoolDir: false,
    exitHooks: false,
    replayOnInit: false,
    captureGit: false,
    uploadSessionsDir: tempDir("looplab-uploads-"),
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    onError: (e) => events.push(e),
    ...options,
  });
}

function deps(ll: Looplab, fetchFn?: FetchLike) {
  const transfer = fetchFn ? new BinaryTransfer({ url: server.url, fetch: fetchFn }) : ll.transfer;
  return { ...ll.transferDeps, transfer };
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe("artifact uploads against a real server", () => {
  it("stores a file once: the second upload of the same bytes sends nothing, in another run too", async () => {
    const dir = tempDir();
    const sha = writeFile(dir, "model.onnx", 300_000);
    const { fetch: counting, log } = countingFetch();
    const ll = looplab({ fetch: counting });
    const run = await ll.init({ project: "art-dedup" });
    const first = await run.saveArtifact(join(dir, "model.onnx"), { type: "model", metadata: { opset: 17 } });
    expect(first).toMatchObject({ bytes: 300_000, bytesSent: 300_000, deduplicated: 0 });
    expect(first.artifacts[0]).toMatchObject({ path: "model.onnx", sha256: sha, size: 300_000, type: "model" });
    expect(log.partBytes).toBe(300_000);

    const again = await run.saveArtifact(join(dir, "model.onnx"), { name: "copies/model.onnx" });
    const other = await (await ll.init({ project: "art-dedup" })).saveArtifact(join(dir, "model.onnx"));
    for (const saved of [again, other]) expect(saved).toMatchObject({ bytesSent: 0, deduplicated: 1 });
    expect(log.partBytes).toBe(300_000);
    const listed = await ll.client.call("listArtifacts", { params: { runId: run.id } });
    expect(listed.artifacts.map((a) => [a.path, a.sha256])).toEqual([
      ["copies/model.onnx", sha],
      ["model.onnx", sha],
    ]);
    expect((await run.finish()).artifacts).toEqual({ saved: 2, failed: [] });
  });

  it("uploads a folder: every file under its relative path, in several parts, with progress", async () => {
    const dir = tempDir();
    const shas = {
      "a.txt": writeFile(dir, "data/a.txt", "hello\n"),
      "sub/b.bin": writeFile(dir, "data/sub/b.bin", 200_000),
      "sub/deeper/empty": writeFile(dir, "data/sub/deeper/empty", ""),
    };
    const ll = looplab();
    const run = await ll.init({ project: "art-folder" });
    const progress: number[] = [];
    const saved = await run.saveArtifact(join(dir, "data"), {
      type: "dataset",
      partSize: 64 * 1024,
      onProgress: (done, total) => {
        expect(total).toBe(200_006);
        progress.push(done);
      },
    });
    expect(saved.artifacts.map((a) => [a.path, a.sha256, a.type])).toEqual(
      Object.entries(shas).map(([rel, sha]) => [`data/${rel}`, sha, "dataset"]),
    );
    expect(progress.at(-1)).toBe(200_006);
    expect(progress.length).toBeGreaterThan(4);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await run.finish();
  });

  it("resumes an upload cut mid-part by asking the session what arrived: < 60% of the bytes re-sent", async () => {
    const dir = tempDir();
    const size = 2 * 1024 * 1024;
    const sha = writeFile(dir, "ckpt.bin", size);
    let cut = false;
    let downAfterCut = 0;
    const { fetch: flaky, log } = countingFetch((url, init, wire) => {
      const isPart = /\/parts\/\d+$/.test(url) && init.body instanceof Uint8Array;
      if (cut && downAfterCut > 0) {
        // The link stays down for a couple of requests after the cut.
        downAfterCut--;
        return Promise.reject(new TypeError("fetch failed: ECONNREFUSED (test)"));
      }
      if (isPart && !cut && wire.partBytes >= size / 2) {
        cut = true;
        downAfterCut = 2;
        const body = init.body as Uint8Array;
        wire.partBytes += body.length / 2;
        return cutUpload(url, init, body, body.length / 2);
      }
      return undefined;
    });
    const ll = looplab({ fetch: flaky });
    const run = await ll.init({ project: "art-resume" });
    const saved = await run.saveArtifact(join(dir, "ckpt.bin"), { partSize: 256 * 1024 });
    expect(cut).toBe(true);
    expect(saved.artifacts[0]?.sha256).toBe(sha);
    const resent = log.partBytes - size;
    expect(resent).toBeGreaterThan(0);
    expect(resent / size).toBeLessThan(0.6);
    // The session was asked which parts it holds before the rest went out.
    expect(log.requests.some((r) => r.method === "GET" && /\/uploads\/[0-9a-f]{32}$/.test(r.url))).toBe(true);
    const target = join(tempDir(), "ckpt.bin");
    await downloadArtifactFile(deps(ll), run.id, { path: "ckpt.bin", size, sha256: sha }, target);
    expect(readFileSync(target).equals(readFileSync(join(dir, "ckpt.bin")))).toBe(true);
    await run.finish();
  });

  it("sends parts several at a time, and retries a failed one without resending the others", async () => {
    const dir = tempDir();
    const size = 16 * 64 * 1024;
    const sha = writeFile(dir, "par.bin", size);
    const [file] = (await selectLocalFiles(join(dir, "par.bin"))).files;
    let inFlight = 0;
    let maxInFlight = 0;
    let failedPart7 = false;
    const { fetch: counting, log } = countingFetch((url, init) => {
      if (!/\/parts\/\d+$/.test(url)) return undefined;
      if (url.endsWith("/parts/7") && !failedPart7) {
        failedPart7 = true;
        return Promise.resolve(new Response('{"code":"UNAVAILABLE","message":"try again"}', { status: 503 }));
      }
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (init.body instanceof Uint8Array) log.partBytes += init.body.length;
      return fetch(url, init).finally(() => {
        inFlight -= 1;
      });
    });
    const ll = looplab();
    const run = await ll.init({ project: "art-parallel" });
    const outcome = await uploadArtifact(
      deps(ll, counting),
      run.id,
      { path: "par.bin" },
      await fileSource(file as NonNullable<typeof file>),
      { partSize: 64 * 1024, parallel: 4 },
    );
    expect(outcome.artifact).toMatchObject({ sha256: sha, size });
    expect(maxInFlight).toBe(4);
    expect(failedPart7).toBe(true);
    expect(log.partBytes).toBe(size);
    expect(log.requests.filter((r) => r.url.endsWith("/parts/7"))).toHaveLength(2);
  });

  it("saveArtifact sends as many parts at once as `parallel` says", async () => {
    const dir = tempDir();
    writeFile(dir, "one.bin", 12 * 64 * 1024);
    writeFile(dir, "three.bin", 12 * 64 * 1024);
    let inFlight = 0;
    let maxInFlight = 0;
    const { fetch: counting } = countingFetch((url, init) => {
      if (!/\/parts\/\d+$/.test(url)) return undefined;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return fetch(url, init).finally(() => {
        inFlight -= 1;
      });
    });
    const run = await looplab({ fetch: counting }).init({ project: "art-parallel-option" });
    await run.saveArtifact(join(dir, "one.bin"), { partSize: 64 * 1024, parallel: 1 });
    expect(maxInFlight).toBe(1);
    await run.saveArtifact(join(dir, "three.bin"), { partSize: 64 * 1024, parallel: 3 });
    expect(maxInFlight).toBe(3);
    await run.finish();
  });

  it("checks each part of a file by CRC-32, and by sha256 where a source brings no cheaper check", async () => {
    const dir = tempDir();
    writeFile(dir, "crc.bin", 3 * 64 * 1024);
    const seen: string[] = [];
    const { fetch: recording } = countingFetch((url, init) => {
      if (!/\/parts\/\d+$/.test(url)) return undefined;
      const headers = new Headers(init.headers);
      seen.push(
        headers.has("x-looplab-part-crc32") ? "crc32" : headers.has("x-looplab-part-sha256") ? "sha256" : "none",
      );
      return fetch(url, init);
    });
    const ll = looplab({ fetch: recording });
    const run = await ll.init({ project: "art-checksums" });
    await run.saveArtifact(join(dir, "crc.bin"), { partSize: 64 * 1024 });
    expect(seen).toEqual(["crc32", "crc32", "crc32"]);

    seen.length = 0;
    writeFile(dir, "sha.bin", 2 * 64 * 1024);
    const [file] = (await selectLocalFiles(join(dir, "sha.bin"))).files;
    const { partChecksum: _cheaper, ...withoutCrc } = await fileSource(file as NonNullable<typeof file>);
    const outcome = await uploadArtifact(deps(ll, recording), run.id, { path: "sha.bin" }, withoutCrc, {
      partSize: 64 * 1024,
    });
    expect(outcome.artifact.size).toBe(2 * 64 * 1024);
    expect(seen).toEqual(["sha256", "sha256"]);
    await run.finish();
  });

  it("reuses one part buffer per sender when the source can read into it", async () => {
    const dir = tempDir();
    writeFile(dir, "reuse.bin", 6 * 64 * 1024);
    const [file] = (await selectLocalFiles(join(dir, "reuse.bin"))).files;
    const source = await fileSource(file as NonNullable<typeof file>);
    const targets = new Set<ArrayBufferLike>();
    let plainReads = 0;
    const counted = {
      ...source,
      read: (offset: number, length: number) => {
        plainReads += 1;
        return source.read(offset, length);
      },
      readInto: (target: Uint8Array, offset: number, length: number) => {
        targets.add(target.buffer);
        return (source.readInto as NonNullable<typeof source.readInto>)(target, offset, length);
      },
    };
    const ll = looplab();
    const run = await ll.init({ project: "art-reuse" });
    const outcome = await uploadArtifact(deps(ll), run.id, { path: "reuse.bin" }, counted, {
      partSize: 64 * 1024,
      parallel: 2,
    });
    expect(outcome.artifact).toMatchObject({ size: 6 * 64 * 1024, sha256: source.sha256 });
    expect(plainReads).toBe(0);
    expect(targets.size).toBeLessThanOrEqual(2);
    await run.finish();
  });

  it("resumes in the next process an upload whose process died half-way: < 60% re-sent", async () => {
    const dir = tempDir();
    const size = 2 * 1024 * 1024;
    const sha = writeFile(dir, "big.bin", size);
    const sessionsDir = tempDir("looplab-uploads-");
    const [file] = (await selectLocalFiles(join(dir, "big.bin"))).files;
    const ll = looplab();
    const run = await ll.init({ project: "art-resume-process" });
    // First "process": dies (aborts) once half the parts are acknowledged.
    const first = countingFetch();
    const dying = new AbortController();
    const died = await uploadArtifact(
      deps(ll, first.fetch),
      run.id,
      { path: "big.bin" },
      await fileSource(file as NonNullable<typeof file>),
      {
        partSize: 128 * 1024,
        sessions: createFileUploadSessions(sessionsDir),
        signal: dying.signal,
        onProgress: (done) => {
          if (done >= size / 2) dying.abort(new Error("process killed (test)"));
        },
      },
    ).catch((e: unknown) => e);
    expect(String(died)).toContain("process killed");
    expect(readdirSync(sessionsDir)).toHaveLength(1);
    await expect(
      ll.client.call("getArtifact", { params: { runId: run.id }, query: { path: "big.bin" } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Next "process": a new client, the same session folder.
    const second = countingFetch();
    const outcome = await uploadArtifact(
      deps(looplab(), second.fetch),
      run.id,
      { path: "big.bin" },
      await fileSource(file as NonNullable<typeof file>),
      { partSize: 128 * 1024, sessions: createFileUploadSessions(sessionsDir) },
    );
    expect(outcome.artifact).toMatchObject({ sha256: sha, size });
    const resent = first.log.partBytes + second.log.partBytes - size;
    expect(second.log.partBytes).toBeLessThanOrEqual(size / 2);
    expect(resent / size).toBeLessThan(0.6);
    expect(readdirSync(sessionsDir)).toEqual([]);
  });

  it("reports a refused upload (4xx) without retrying it, and finish says so", async () => {
    const dir = tempDir();
    writeFile(dir, "x.txt", "x");
    const { fetch: counting, log } = countingFetch();
    const seen: SdkEvent[] = [];
    const ll = looplab({ fetch: counting, onError: (e) => seen.push(e) });
    const run = await ll.init({ project: "art-refused" });
    const refused = run.saveArtifact(join(dir, "x.txt"), { name: "../escape.txt" });
    await expect(refused).rejects.toMatchObject({ code: "INVALID_ARGUMENT", httpStatus: 400 });
    expect(log.requests.filter((r) => r.url.endsWith("/uploads")).length).toBe(1);
    const result = await run.finish();
    expect(result.delivered).toBe(false);
    expect(result.artifacts.failed).toEqual([
      expect.objectContaining({ path: join(dir, "x.txt"), message: expect.stringContaining("path") }),
    ]);
    expect(seen.some((e) => e.type === "artifact-failed")).toBe(true);
  });

  it("finish waits for uploads still in flight", async () => {
    const dir = tempDir();
    writeFile(dir, "late.bin", 500_000);
    const ll = looplab();
    const run = await ll.init({ project: "art-finish" });
    run.log({ loss: 1 }, { step: 0 });
    void run.saveArtifact(join(dir, "late.bin"), { partSize: 64 * 1024 });
    const result = await run.finish();
    expect(result).toMatchObject({ delivered: true, artifacts: { saved: 1, failed: [] } });
    const info = await ll.client.call("getArtifact", { params: { runId: run.id }, query: { path: "late.bin" } });
    expect(info).toMatchObject({ size: 500_000, state: "live" });
  });
});

describe("artifact downloads", () => {
  let ll: Looplab;
  let runId: string;
  let sha: string;
  const size = 1_000_000;

  beforeAll(async () => {
    const dir = tempDir();
    sha = writeFile(dir, "weights.bin", size);
    ll = looplab();
    const run = await ll.init({ project: "art-download" });
    await run.saveArtifact(join(dir, "weights.bin"));
    runId = run.id;
  });

  it("resumes a download cut half-way with a Range request and verifies the digest", async () => {
    let cuts = 0;
    const { fetch: flaky, log } = countingFetch((url, init) => {
      if (!/\/artifacts\/content\?/.test(url) || cuts > 0) return undefined;
      cuts++;
      return fetch(url, init).then((r) => cutDownload(r, size / 2));
    });
    const target = join(tempDir(), "out", "weights.bin");
    const outcome = await downloadArtifactFile(
      deps(ll, flaky),
      runId,
      { path: "weights.bin", size, sha256: sha },
      target,
    );
    expect(outcome).toMatchObject({ cached: false, resumedFrom: 0 });
    expect(outcome.bytesReceived).toBeLessThan(size * 1.6);
    expect(log.requests.filter((r) => r.range !== null).map((r) => r.range)).toEqual([`bytes=${size / 2}-`]);
    expect(existsSync(target + PARTIAL_SUFFIX)).toBe(false);
    expect(readFileSync(target).length).toBe(size);
    // A second download finds the file in place and fetches nothing.
    expect(
      await downloadArtifactFile(deps(ll), runId, { path: "weights.bin", size, sha256: sha }, target),
    ).toMatchObject({
      cached: true,
      bytesReceived: 0,
    });
  });

  it("continues from a partial file left by an earlier process", async () => {
    const dir = tempDir();
    const target = join(dir, "weights.bin");
    const full = join(tempDir(), "full.bin");
    await downloadArtifactFile(deps(ll), runId, { path: "weights.bin", size, sha256: sha }, full);
    writeFileSync(target + PARTIAL_SUFFIX, readFileSync(full).subarray(0, 300_000));
    const outcome = await downloadArtifactFile(deps(ll), runId, { path: "weights.bin", size, sha256: sha }, target);
    expect(outcome).toMatchObject({ resumedFrom: 300_000, bytesReceived: size - 300_000 });
    expect(readFileSync(target).equals(readFileSync(full))).toBe(true);
  });

  it("refuses bytes that do not match the digest and leaves no file behind", async () => {
    const corrupting: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      if (!/\/artifacts\/content\?/.test(url)) return response;
      const bytes = new Uint8Array(await response.arrayBuffer());
      bytes[1234] = (bytes[1234] as number) ^ 0xff;
      return new Response(bytes, { status: response.status, headers: response.headers });
    };
    const dir = tempDir();
    const target = join(dir, "weights.bin");
    const error = await downloadArtifactFile(
      deps(ll, corrupting),
      runId,
      { path: "weights.bin", size, sha256: sha },
      target,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNPROCESSABLE", message: expect.stringContaining("sha256") });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("uploads through the low-level API with explicit sources too", async () => {
    const dir = tempDir();
    writeFile(dir, "f.txt", "low level\n");
    const [file] = (await selectLocalFiles(join(dir, "f.txt"))).files;
    const source = await fileSource(file as NonNullable<typeof file>);
    const outcome = await uploadArtifact(deps(ll), runId, { path: "low/f.txt", type: "predictions" }, source);
    expect(outcome.artifact).toMatchObject({ path: "low/f.txt", type: "predictions", size: 10 });
  });
});
