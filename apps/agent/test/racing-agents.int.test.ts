/**
 * Issue 6, "Must show": two agents long-polling for the same job — it runs once; and retries at
 * the agent level: a job whose process exits non-zero fails at once (retries are for lost leases,
 * docs/queue.md), while a job whose agent vanished (SIGKILL, agent and job) is run again until its
 * `maxAttempts`, then fails with "lease expired N times".
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Job } from "@looplab/core";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AgentHandle, startAgent } from "../src/index.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const fakeSmi = fixture("fake-nvidia-smi.mjs");
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

let server: RunningServer;
let client: LooplabClient;
let dir: string;
const agents: AgentHandle[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startTestServer({ leaseTimeout: "2s" });
  client = createClient({ url: server.url });
  dir = mkdtempSync(join(tmpdir(), "looplab-racing-"));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(agents.splice(0).map((a) => a.stop("handback")));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const cpuEnv = { ...process.env, FAKE_NVIDIA_SMI_FIXTURE: "0-gpus" };

function agent(queue: string, name: string) {
  const handle = startAgent({
    url: server.url,
    nvidiaSmiPath: fakeSmi,
    env: cpuEnv,
    cpus: 1,
    queues: [queue],
    name,
    claimWaitMs: 5000,
    graceMs: 500,
    logger: pino({ level: process.env.AGENT_TEST_LOG ?? "silent" }),
  });
  agents.push(handle);
  return handle;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const getJob = (jobId: string) => client.call("getJob", { params: { jobId } });
const ended = (jobId: string, timeoutMs?: number) =>
  waitFor(
    `job ${jobId} to end`,
    async () => {
      const job = await getJob(jobId);
      return ["succeeded", "failed", "cancelled"].includes(job.state) && job;
    },
    timeoutMs,
  );
const linesOf = (file: string) =>
  existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];

/** A job that appends "<run id> <pid>" to `file` when it starts, then sleeps `holdMs`. */
const appendingJob = (file: string, holdMs: number, exitCode = 0) => [
  process.execPath,
  "-e",
  `require("node:fs").appendFileSync(process.argv[1], process.env.LOOPLAB_RUN_ID + " " + process.pid + "\\n");` +
    `setTimeout(() => process.exit(${exitCode}), ${holdMs});`,
  file,
];

async function enqueue(queue: string, command: string[], maxAttempts?: number): Promise<Job> {
  const { jobs } = await client.call("enqueueJobs", {
    body: { project: "racing", queue, command, ...(maxAttempts ? { maxAttempts } : {}) },
  });
  return jobs[0] as Job;
}

describe("two agents racing", () => {
  it("a job both agents wait for runs exactly once (10 rounds)", async () => {
    const a = agent("race", "racer-a");
    const b = agent("race", "racer-b");
    await waitFor("both agents to register", async () => a.agentId && b.agentId);
    // Let both settle into their long-polling claims.
    await new Promise((r) => setTimeout(r, 300));
    const ran: Job[] = [];
    for (let round = 0; round < 10; round++) {
      const file = join(dir, `race-${round}.txt`);
      const job = await enqueue("race", appendingJob(file, 50));
      const done = await ended(job.id);
      expect(done).toMatchObject({ state: "succeeded", attempts: 1 });
      // One process, one start: exactly one line, from this job's run.
      const lines = linesOf(file);
      expect(lines).toHaveLength(1);
      expect(lines[0]?.split(" ")[0]).toBe(job.runId);
      expect([a.agentId, b.agentId]).toContain(done.agentId);
      ran.push(done);
      // Both agents are idle and long-polling again before the next job.
      await waitFor("both agents to be idle", async () => a.runningJobs().length + b.runningJobs().length === 0);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Each job is on one agent's record only: the other got nothing.
    const held = async (agentId: string | null) =>
      (await client.call("listJobs", { query: { agentId: agentId as string, queue: "race", limit: 100 } })).jobs.map(
        (j) => j.id,
      );
    const byA = await held(a.agentId);
    const byB = await held(b.agentId);
    expect(byA.filter((id) => byB.includes(id))).toEqual([]);
    expect([...byA, ...byB].sort()).toEqual(ran.map((j) => j.id).sort());
  });
});

describe("retries", () => {
  it("a job whose process exits non-zero fails at once, even with attempts left", async () => {
    agent("exits", "exiter");
    const file = join(dir, "exit.txt");
    const job = await enqueue("exits", appendingJob(file, 10, 3), 3);
    const done = await ended(job.id);
    expect(done).toMatchObject({ state: "failed", attempts: 1, exitCode: 3, error: "exit code 3" });
    await new Promise((r) => setTimeout(r, 2500)); // longer than a lease: nothing runs it again
    expect(linesOf(file)).toHaveLength(1);
    expect((await getJob(job.id)).state).toBe("failed");
    expect((await client.getRun(job.runId)).status).toBe("failed");
  });

  it("a job whose agent vanished runs again until maxAttempts, then fails", async () => {
    const file = join(dir, "vanish.txt");
    const job = await enqueue("vanish", appendingJob(file, 120_000), 2);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const agentProcess = spawn(process.execPath, ["--import", "tsx", fixture("run-agent.ts")], {
        cwd: repoRoot,
        env: {
          ...cpuEnv,
          LOOPLAB_URL: server.url,
          LOOPLAB_NVIDIA_SMI: fakeSmi,
          LOOPLAB_QUEUES: "vanish",
          LOOPLAB_CPUS: "1",
          LOOPLAB_LOG_LEVEL: "warn",
        },
        stdio: ["ignore", "inherit", "inherit"],
      });
      children.push(agentProcess);
      const line = await waitFor(`attempt ${attempt} to start`, async () => linesOf(file)[attempt - 1], 60_000);
      expect(line.split(" ")[0]).toBe(job.runId);
      expect((await getJob(job.id)).attempts).toBe(attempt);
      // The machine dies: the agent and the job's process group, without a word to the server.
      agentProcess.kill("SIGKILL");
      process.kill(-Number(line.split(" ")[1]), "SIGKILL");
      if (attempt === 1) {
        const requeued = await waitFor("the lease to expire", async () => {
          const j = await getJob(job.id);
          return j.state === "queued" && j;
        });
        expect(requeued).toMatchObject({ attempts: 1, agentId: null });
        expect((await client.getRun(job.runId)).status).toBe("crashed");
      }
    }
    const failed = await ended(job.id);
    expect(failed).toMatchObject({ state: "failed", attempts: 2, error: "lease expired 2 times" });
    expect(linesOf(file)).toHaveLength(2);
    expect((await client.getRun(job.runId)).status).toBe("crashed");
  });
});
