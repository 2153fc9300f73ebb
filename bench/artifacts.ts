import { execFile, execFileSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { crc32 } from "node:zlib";
import { spawnServerProcess } from "@looplab/server/testing";
import { postJson } from "./http-json.js";
import { fmt, median, note, record } from "./report.js";
import type { TransferJob } from "./transfer-client.js";

/**
 * Artifacts through the server: a file of LOOPLAB_BENCH_ARTIFACT_MB (default 1024) uploaded in
 * 8 MiB parts (LOOPLAB_BENCH_ARTIFACT_PARALLEL at a time, default 4; each with its CRC-32, as the
 * SDK sends them) and downloaded again, against a Node-streams copy of the same freshly written
 * bytes from one file to another on the same disk. The copy, the upload and the download each run
 * in a fresh client process (transfer-client.ts) that times itself, after the disk has settled.
 * LOOPLAB_BENCH_ARTIFACT_ROUNDS rounds (default 3; new bytes each) give each figure as the median
 * of its per-round ratios, so one noisy copy does not decide it. The server's RSS is sampled throughout.
 */
const SIZE = Number(process.env.LOOPLAB_BENCH_ARTIFACT_MB ?? 1024) * 1024 * 1024;
const PART = 8 * 1024 * 1024;
const PARALLEL = Number(process.env.LOOPLAB_BENCH_ARTIFACT_PARALLEL ?? 4);
const ROUNDS = Number(process.env.LOOPLAB_BENCH_ARTIFACT_ROUNDS ?? 3);
const clientScript = fileURLToPath(new URL("./transfer-client.ts", import.meta.url));
const rate = (ms: number) => SIZE / (ms / 1000);
const execFileAsync = promisify(execFile);

/**
 * Writes back every dirty page before a timed phase, so that no phase pays for the writeback of
 * the gigabyte the one before it wrote (which swung the copy between 250 and 1,000 MiB/s).
 */
function settleDisk(): void {
  execFileSync("sync");
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

async function writeSource(path: string): Promise<void> {
  const handle = await open(path, "w");
  const chunk = Buffer.alloc(PART);
  for (let written = 0; written < SIZE; written += PART) {
    randomFillSync(chunk);
    await handle.write(chunk, 0, Math.min(PART, SIZE - written));
  }
  await handle.close();
}

/** The whole file's sha256 and each part's CRC-32, computed before timing (a client knows them; the SDK sends CRC-32s). */
async function digests(path: string): Promise<{ whole: string; parts: string[] }> {
  const whole = createHash("sha256");
  const parts: string[] = [];
  let part = 0;
  let inPart = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(PART - inPart, chunk.length - offset);
      part = crc32(chunk.subarray(offset, offset + take), part);
      inPart += take;
      offset += take;
      if (inPart === PART) {
        parts.push(hex8(part));
        part = 0;
        inPart = 0;
      }
    }
  }
  if (inPart > 0 || parts.length === 0) parts.push(hex8(part));
  return { whole: whole.digest("hex"), parts };
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0");

/** Overwrites the first part with new random bytes (a new file, as far as digests go). */
async function refreshFirstPart(path: string): Promise<void> {
  const handle = await open(path, "r+");
  await handle.write(randomFillSync(Buffer.alloc(Math.min(PART, SIZE))), 0, Math.min(PART, SIZE), 0);
  await handle.close();
}

/** Runs one timed transfer in a fresh client process (bench/transfer-client.ts); returns its milliseconds. */
async function timeTransfer(job: TransferJob, serverPid: number): Promise<number> {
  const serverCpu = cpuMsOf(serverPid);
  // Asynchronous, so that the RSS sampler keeps running meanwhile.
  const { stdout } = await execFileAsync(process.execPath, ["--import", "tsx", clientScript, JSON.stringify(job)]);
  const { ms, cpuMs, gc } = JSON.parse(stdout.trim().split("\n").at(-1) as string) as {
    ms: number;
    cpuMs: number;
    gc: { full: number; ms: number };
  };
  const server = job.op === "copy" ? "" : `, server ${fmt(cpuMsOf(serverPid) - serverCpu)} ms`;
  note(
    `${job.op}: ${fmt(ms)} ms; CPU time: client ${fmt(cpuMs)} ms${server}; client GC ${gc.full} full, ${fmt(gc.ms)} ms`,
  );
  return ms;
}

/** A process's CPU time so far (user + system), from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function benchArtifacts(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "looplab-bench-artifacts-"));
  const server = await spawnServerProcess({
    dbUrl: `sqlite:${join(dir, "looplab.db")}`,
    env: { LOOPLAB_ARTIFACTS: join(dir, "artifacts") },
    nodeArgs: (process.env.LOOPLAB_BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean),
  });
  const work = join(dir, "files");
  mkdirSync(work, { recursive: true });
  const source = join(work, "source.bin");
  const base = server.url;
  const pid = server.child.pid as number;
  const mb = (rate: number) => `${fmt(rate / 2 ** 20)} MiB/s`;
  try {
    note(`writing ${fmt(SIZE / 2 ** 20)} MiB of random bytes`);
    await writeSource(source);
    const runId = (await postJson(`${base}/api/v1/runs`, JSON.stringify({ project: "bench-artifacts" }))).json.id;
    const rss0 = rssOf(pid);
    let peak = rss0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(pid));
    }, 25);
    const rounds: { copy: number; upload: number; download: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // New bytes each round (the server would deduplicate the same file), freshly written for the copy too.
      await refreshFirstPart(source);
      settleDisk();
      const copy = rate(await timeTransfer({ op: "copy", from: source, to: join(work, "copy.bin") }, pid));
      await rm(join(work, "copy.bin"));
      const { whole, parts } = await digests(source);
      const path = `model-${round}.bin`;

      settleDisk();
      const upload = rate(
        await timeTransfer(
          {
            op: "upload",
            ...{ base, runId, path, source, size: SIZE, partSize: PART, parallel: PARALLEL },
            ...{ sha256: whole, partCrcs: parts },
          },
          pid,
        ),
      );

      const target = join(work, "downloaded.bin");
      settleDisk();
      const url = `${base}/api/v1/runs/${runId}/artifacts/content?path=${path}`;
      const download = rate(await timeTransfer({ op: "download", url, target }, pid));
      if ((await digests(target)).whole !== whole) throw new Error("downloaded bytes differ");
      await rm(target);
      note(`round ${round}: copy ${mb(copy)}, upload ${mb(upload)}, download ${mb(download)}`);
      rounds.push({ copy, upload, download });
    }
    clearInterval(sampler);
    peak = Math.max(peak, rssOf(pid));

    const ratios = (key: "upload" | "download") => rounds.map((r) => r[key] / r.copy);
    for (const key of ["upload", "download"] as const) {
      const ratio = median(ratios(key));
      record({
        name:
          key === "upload"
            ? `artifact upload through the server (${fmt(SIZE / 2 ** 20)} MiB, 8 MiB parts with CRC-32s, ${PARALLEL} at a time, whole file sha256-verified)`
            : "artifact download through the server (one GET, streamed)",
        value: `median ratio ${ratio.toFixed(2)} over ${ROUNDS} rounds (${ratios(key)
          .map((r) => r.toFixed(2))
          .join(
            ", ",
          )}); median ${mb(median(rounds.map((r) => r[key])))} vs copy ${mb(median(rounds.map((r) => r.copy)))}`,
        judgedBy: "target ratio ≥ 0.5 of a Node-streams file copy",
        pass: ratio >= 0.5,
      });
    }
    const growth = peak - rss0;
    record({
      name: "server peak RSS growth during upload + download",
      value: `${fmt(growth / 2 ** 20, 1)} MiB (from ${fmt(rss0 / 2 ** 20)} MiB)`,
      judgedBy: "target < 100 MB",
      pass: growth < 100 * 1e6,
    });
  } finally {
    await server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}
