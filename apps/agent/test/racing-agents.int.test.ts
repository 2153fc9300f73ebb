/**
 * Issue 6, "Must show": two agents long-polling for the same job — it runs once; and retries at
 * the agent level: a job whose process exits non-zero fails at once (retries are for lost leases,
 * docs/queue.md), while a job whose agent vanished (SIGKILL, agent and job) is run again until its
 * `maxAttempts`, then fails with "lease expired N times".
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "@looplab/core";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { startAgent } from "../src/index.js";
import { fakeSmi, fixture, repoRoot, useAgentTestServer, waitFor } from "./support/agent-test-server.js";

const t = useAgentTestServer("looplab-racing-");

const cpuEnv = { ...process.env, FAKE_NVIDIA_SMI_FIXTURE: "0-gpus" };

function agent(queue: string, name: string) {
  const handle = startAgent({
    url: t.server.url,
    nvidiaSmiPath: fakeSmi,
    env: cpuEnv,
    cpus: 1,
    queues: [queue],
    name,
    claimWaitMs: 5000,
    graceMs: 500,
    logger: pino({ level: process.env.AGENT_TEST_LOG ?? "silent" }),
  });
  t.agents.push(handle);
  return handle;
}

const getJob = (jobId: string) => t.client.call("getJob", { params: { jobId } });
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
  const { jobs } = await t.client.call("enqueueJobs", {
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
      const file = join(t.dir, `race-${round}.txt`);
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
      (await t.client.call("listJobs", { query: { agentId: agentId as string, queue: "race", limit: 100 } })).jobs.map(
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
    const file = join(t.dir, "exit.txt");
    const job = await enqueue("exits", appendingJob(file, 10, 3), 3);
    const done = await ended(job.id);
    expect(done).toMatchObject({ state: "failed", attempts: 1, exitCode: 3, error: "exit code 3" });
    await new Promise((r) => setTimeout(r, 2500)); // longer than a lease: nothing runs it again
    expect(linesOf(file)).toHaveLength(1);
    expect((await getJob(job.id)).state).toBe("failed");
    expect((await t.client.getRun(job.runId)).status).toBe("failed");
  });

  it("a job whose agent vanished runs again until maxAttempts, then fails", async () => {
    const file = join(t.dir, "vanish.txt");
    const job = await enqueue("vanish", appendingJob(file, 120_000), 2);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const agentProcess = spawn(process.execPath, ["--import", "tsx", fixture("run-agent.ts")], {
        cwd: repoRoot,
        env: {
          ...cpuEnv,
          LOOPLAB_URL: t.server.url,
          LOOPLAB_NVIDIA_SMI: fakeSmi,
          LOOPLAB_QUEUES: "vanish",
          LOOPLAB_CPUS: "1",
          LOOPLAB_LOG_LEVEL: "warn",
        },
        stdio: ["ignore", "inherit", "inherit"],
      });
      t.children.push(agentProcess);
      const line = await waitFor(`attempt ${attempt} to start`, async () => linesOf(file)[attempt - 1], 60_000);
      expect(line.split(" ")[0]).toBe(job.runId);
      expect((await getJob(job.id)).attempts).toBe(attempt);
      // The machine dies: the agent and the job's process group, without a word to the t.server.
      agentProcess.kill("SIGKILL");
      process.kill(-Number(line.split(" ")[1]), "SIGKILL");
      if (attempt === 1) {
        const requeued = await waitFor("the lease to expire", async () => {
          const j = await getJob(job.id);
          return j.state === "queued" && j;
        });
        expect(requeued).toMatchObject({ attempts: 1, agentId: null });
        expect((await t.client.getRun(job.runId)).status).toBe("crashed");
      }
    }
    const failed = await ended(job.id);
    expect(failed).toMatchObject({ state: "failed", attempts: 2, error: "lease expired 2 times" });
    expect(linesOf(file)).toHaveLength(2);
    expect((await t.client.getRun(job.runId)).status).toBe("crashed");
  });
});
