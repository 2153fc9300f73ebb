/**
 * Issue 6, "Must show": `looplab agent --gpus auto` as a real process finds 4 GPUs through an
 * `nvidia-smi` on its PATH (the fake one, reporting 4 idle GPUs) and runs 8 one-GPU jobs, each a
 * real process that records its CUDA_VISIBLE_DEVICES and its start/end times: every job sees
 * exactly one GPU, jobs running at the same time never share one, 4 run at once, all 8 succeed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Job } from "@looplab/core";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { cliBinPath, type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let server: RunningServer;
let client: LooplabClient;
let dir: string;
let agentProcess: ChildProcess | undefined;
let agentOutput = "";

beforeAll(async () => {
  server = await startTestServer({ leaseTimeout: "5s" });
  client = createClient({ url: server.url });
  dir = mkdtempSync(join(tmpdir(), "looplab-four-gpus-"));
});
afterAll(async () => {
  if (agentProcess && agentProcess.exitCode === null) agentProcess.kill("SIGKILL");
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; agent output:\n${agentOutput}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A folder holding an executable `nvidia-smi` that reports 4 idle GPUs. */
function fakeNvidiaSmiOnPath(): { binDir: string; readings: string } {
  const binDir = join(dir, "bin");
  mkdirSync(binDir);
  const readings = join(dir, "four-idle-gpus.csv");
  const line = (i: number) => `${i}, GPU-ffffffff-0000-0000-0000-00000000000${i}, NVIDIA A100-SXM4-80GB, 81920, 5, 0`;
  writeFileSync(readings, `${[0, 1, 2, 3].map(line).join("\n")}\n`);
  const script = join(binDir, "nvidia-smi");
  writeFileSync(script, `#!/bin/sh\nexec "${process.execPath}" "${fixture("fake-nvidia-smi.mjs")}" "$@"\n`);
  chmodSync(script, 0o755);
  return { binDir, readings };
}

interface Record_ {
  i: number;
  cuda: string;
  start: number;
  end: number;
}

const overlaps = (a: Record_, b: Record_) => a.start < b.end && b.start < a.end;

describe("one agent, four GPUs, eight jobs", () => {
  it("runs 8 one-GPU jobs 4 at a time, each on exactly one GPU no concurrent job shares", async () => {
    const { binDir, readings } = fakeNvidiaSmiOnPath();
    const out = join(dir, "jobs.jsonl");
    const { jobs } = await client.call("enqueueJobs", {
      body: {
        project: "four-gpus",
        command: [process.execPath, fixture("gpu-job.mjs")],
        config: { out, holdMs: 1000, together: 4 },
        overrides: ["i=1,2,3,4,5,6,7,8"],
        resources: { gpus: 1 },
      },
    });
    expect(jobs).toHaveLength(8);

    agentProcess = spawn(process.execPath, [cliBinPath, "agent", "--url", server.url, "--gpus", "auto"], {
      env: {
        ...process.env,
        PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}`,
        FAKE_NVIDIA_SMI_OUTPUT: readings,
        LOOPLAB_URL: "",
        LOOPLAB_NVIDIA_SMI: "",
        LOOPLAB_GPUS: "",
        LOOPLAB_CPUS: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    agentProcess.stdout?.on("data", (d: Buffer) => {
      agentOutput += d;
    });
    agentProcess.stderr?.on("data", (d: Buffer) => {
      agentOutput += d;
    });

    // The agent registered with the 4 GPUs it found through PATH.
    const registered = await waitFor("the agent to register its GPUs", async () => {
      const { agents } = await client.call("listAgents", { query: {} });
      return agents.find((a) => a.gpus.length > 0);
    });
    expect(registered.gpus.map((g) => g.index)).toEqual([0, 1, 2, 3]);

    const ids = jobs.map((j) => j.id);
    const ended = (await waitFor("the 8 jobs to end", async () => {
      const now = await Promise.all(ids.map((jobId) => client.call("getJob", { params: { jobId } })));
      return now.every((j) => ["succeeded", "failed", "cancelled"].includes(j.state)) && now;
    })) as Job[];
    expect(ended.map((j) => j.state)).toEqual(Array(8).fill("succeeded"));
    for (const job of ended) expect(job.gpuIndices).toHaveLength(1);

    const records = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record_);
    expect(records.map((r) => r.i).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Exactly one GPU index each, and the one the server leased to that job.
    for (const r of records) {
      expect(r.cuda).toMatch(/^[0-3]$/);
      const job = ended.find((j) => j.config.i === r.i);
      expect(job?.gpuIndices).toEqual([Number(r.cuda)]);
    }
    // Jobs running at the same time never share a GPU.
    for (const a of records) {
      for (const b of records) if (a !== b && overlaps(a, b)) expect(b.cuda).not.toBe(a.cuda);
    }
    // At some moment (the latest start among the first four, which wait for each other), four jobs ran at once.
    const runningAt = (t: number) => records.filter((r) => r.start <= t && t < r.end).length;
    const peak = Math.max(...records.map((r) => runningAt(r.start)));
    expect(peak).toBe(4);

    agentProcess.kill("SIGTERM");
    await new Promise((r) => agentProcess?.once("exit", r));
  });
});
