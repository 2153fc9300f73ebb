/**
 * `looplab agent` as a process: SIGTERM drains (running jobs finish, then it leaves and exits
 * 0); `--on-stop handback` or a second SIGTERM stops the jobs and hands them back to the queue.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "@looplab/core";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { cliBinPath, type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixture, waitFor } from "./support/agent-test-server.js";

let server: RunningServer;
let client: LooplabClient;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startTestServer({ leaseTimeout: "3s" });
  client = createClient({ url: server.url });
  dir = mkdtempSync(join(tmpdir(), "looplab-agent-cli-"));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function startCli(args: string[]) {
  const child = spawn(
    process.execPath,
    [cliBinPath, "agent", "--url", server.url, "--nvidia-smi", fixture("fake-nvidia-smi.mjs"), ...args],
    {
      env: { ...process.env, FAKE_NVIDIA_SMI_FIXTURE: "0-gpus", LOOPLAB_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d;
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d;
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function enqueueHolding(holdMs: number): Promise<Job> {
  const { jobs } = await client.call("enqueueJobs", {
    body: {
      project: "agent-cli",
      command: [process.execPath, fixture("gpu-job.mjs")],
      config: { out: join(dir, "out.jsonl"), holdMs, i: 1 },
      resources: { gpus: 0, cpus: 1 },
    },
  });
  return jobs[0] as Job;
}

const getJob = (jobId: string) => client.call("getJob", { params: { jobId } });
const cancelQuietly = (jobId: string) => client.call("cancelJob", { params: { jobId }, body: {} }).catch(() => {});
const agentsNow = async () => (await client.call("listAgents", { query: { includeOffline: true } })).agents;

describe("looplab agent (CLI)", () => {
  it("SIGTERM drains: the running job finishes, the agent leaves and exits 0", async () => {
    const job = await enqueueHolding(2500);
    const cli = startCli(["--cpus", "1", "--name", "drainer"]);
    await waitFor("the job to run", async () => (await getJob(job.id)).state === "running");
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect((await getJob(job.id)).state).toBe("succeeded");
    expect((await agentsNow()).map((a) => a.name)).not.toContain("drainer");
  });

  it("--on-stop handback: SIGTERM stops the job and hands it back to the queue", async () => {
    const job = await enqueueHolding(60_000);
    const cli = startCli(["--cpus", "1", "--on-stop", "handback", "--grace", "2s", "--name", "handback"]);
    await waitFor("the job to run", async () => (await getJob(job.id)).state === "running");
    cli.child.kill("SIGTERM");
    try {
      expect(await cli.exited).toBe(0);
      const after = await getJob(job.id);
      expect(after).toMatchObject({ state: "queued", attempts: 0, agentId: null });
      await new Promise((r) => setTimeout(r, 1500)); // a late heartbeat must not bring it back
      expect((await agentsNow()).map((a) => a.name)).not.toContain("handback");
    } finally {
      await cancelQuietly(job.id);
    }
  });

  it("a second SIGTERM while draining hands the jobs back", async () => {
    const job = await enqueueHolding(60_000);
    const cli = startCli(["--cpus", "1", "--name", "twice"]);
    await waitFor("the job to run", async () => (await getJob(job.id)).state === "running");
    cli.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1000));
    expect((await getJob(job.id)).state).toBe("running");
    cli.child.kill("SIGTERM");
    try {
      expect(await cli.exited).toBe(0);
      expect((await getJob(job.id)).state).toBe("queued");
    } finally {
      await cancelQuietly(job.id);
    }
  });
});
