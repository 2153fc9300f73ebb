import { createReadStream, createWriteStream } from "node:fs";
import http from "node:http";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import { postJson } from "./http-json.js";

/**
 * The client side of the artifact bench, in a process of its own: the file copy, the upload and
 * the download each run here, one per process, so that the three are timed alike and none pays
 * for the bench harness's heap (a full GC of its ≈60 MB, forced every few dozen MB of buffers
 * by V8's external-memory limit, took a third of the client's time). Usage:
 * `node --import tsx bench/transfer-client.ts '<json job>'`; prints `{"ms": …, "cpuMs": …, "gc": …}`
 * (its own CPU time, main thread and libuv's file threads; its full GCs and total GC pause).
 */
export type TransferJob =
  | { op: "copy"; from: string; to: string }
  | {
      op: "upload";
      base: string;
      runId: string;
      path: string;
      source: string;
      size: number;
      partSize: number;
      parallel: number;
      sha256: string;
      /** Each part's CRC-32 (8 hex), as the SDK sends them. */
      partCrcs: string[];
    }
  | { op: "download"; url: string; target: string };

async function copy(job: Extract<TransferJob, { op: "copy" }>): Promise<void> {
  await pipeline(createReadStream(job.from), createWriteStream(job.to));
}

async function upload(job: Extract<TransferJob, { op: "upload" }>): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.parallel });
  const body = { path: job.path, size: job.size, sha256: job.sha256, type: "model", partSize: job.partSize };
  const session = (await postJson(`${job.base}/api/v1/runs/${job.runId}/uploads`, JSON.stringify(body))).json;
  let next = 1;
  const sender = async () => {
    while (next <= session.partCount) {
      const n = next++;
      const start = (n - 1) * job.partSize;
      const end = Math.min(job.size, start + job.partSize);
      const url = `${job.base}/api/v1/uploads/${session.uploadId}/parts/${n}`;
      const status = await putPart(agent, url, job.source, start, end, job.partCrcs[n - 1] as string);
      if (status !== 200) throw new Error(`part ${n} refused: ${status}`);
    }
  };
  await Promise.all(Array.from({ length: job.parallel }, sender));
  const done = await postJson(`${job.base}/api/v1/uploads/${session.uploadId}/complete`, "{}");
  if (done.status !== 200 || done.json.state !== "complete") throw new Error(`complete: ${JSON.stringify(done.json)}`);
  agent.destroy();
}

function putPart(agent: http.Agent, url: string, path: string, start: number, end: number, crc: string) {
  return new Promise<number>((resolve, reject) => {
    const headers = {
      "content-type": "application/octet-stream",
      "content-length": end - start,
      "x-looplab-part-crc32": crc,
    };
    const req = http.request(url, { method: "PUT", agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    createReadStream(path, { start, end: end - 1, highWaterMark: 1024 * 1024 }).pipe(req);
  });
}

function download(job: Extract<TransferJob, { op: "download" }>): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(job.url, (res) => {
        if (res.statusCode !== 200) reject(new Error(`download: HTTP ${res.statusCode}`));
        pipeline(res, createWriteStream(job.target, { highWaterMark: 1024 * 1024 })).then(resolve, reject);
      })
      .on("error", reject);
  });
}

const job = JSON.parse(process.argv[2] ?? "{}") as TransferJob;
const started = performance.now();
const cpuBefore = process.cpuUsage();
const gc = { full: 0, ms: 0 };
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.ms += entry.duration;
    const { detail } = entry as { detail?: { kind?: number } };
    if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.full += 1;
  }
});
gcObserver.observe({ entryTypes: ["gc"] });
await (job.op === "copy" ? copy(job) : job.op === "upload" ? upload(job) : download(job));
const cpu = process.cpuUsage(cpuBefore);
const ms = performance.now() - started;
await new Promise((resolve) => setImmediate(resolve));
gcObserver.disconnect();
process.stdout.write(`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, gc })}\n`);
