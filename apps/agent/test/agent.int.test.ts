/**
 * The agent against a real server (SQLite), with real processes as jobs and a fake nvidia-smi
 * reporting 2 GPUs: GPUs are never shared, output and JSON-line metrics land on the run,
 * cancel kills the job, and a job whose agent died with SIGKILL resumes elsewhere from its
 * checkpoint once its lease expires.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "@looplab/core";
import { createClient } from "@looplab/sdk";
import { freePort, startTestServer } from "@looplab/server/testing";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { startAgent } from "../src/index.js";
import { fakeSmi, fixture, repoRoot, useAgentTestServer, waitFor } from "./support/agent-test-server.js";

const t = useAgentTestServer("looplab-agent-it-");

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  FAKE_NVIDIA_SMI_FIXTURE: "2-gpus",
  ...extra,
});

function agent(options: Partial<Parameters<typeof startAgent>[0]> = {}) {
  const handle = startAgent({
    url: t.server.url,
    nvidiaSmiPath: fakeSmi,
    env: env(),
    claimWaitMs: 1000,
    graceMs: 1000,
    logger: pino({ level: process.env.AGENT_TEST_LOG ?? "silent" }),
    ...options,
  });
  t.agents.push(handle);
  return handle;
}

const getJob = (jobId: string) => t.client.call("getJob", { params: { jobId } });
const jobsEnded = (ids: string[]) =>
  waitFor(`jobs ${ids.join(", ")} to end`, async () => {
    const jobs = await Promise.all(ids.map(getJob));
    return jobs.every((j) => ["succeeded", "failed", "cancelled"].includes(j.state)) && jobs;
  });
const logTexts = async (runId: string) =>
  (await t.client.call("readLogs", { params: { runId }, query: { limit: 1000 } })).lines.map((l) => l.text);

describe("agent with a real server", () => {
  it("runs three 1-GPU jobs on 2 GPUs: at most two at once, never on the same GPU; logs and metrics land on the runs", async () => {
    const out = join(t.dir, "gpu-jobs.jsonl");
    const { jobs } = await t.client.call("enqueueJobs", {
      body: {
        project: "agent-it",
        command: [process.execPath, fixture("gpu-job.mjs")],
        config: { out, holdMs: 3000 },
        overrides: ["i=1,2,3"],
        resources: { gpus: 1 },
      },
    });
    expect(jobs).toHaveLength(3);
    agent();
    const ended = (await jobsEnded(jobs.map((j) => j.id))) as Job[];
    expect(ended.map((j) => j.state)).toEqual(["succeeded", "succeeded", "succeeded"]);

    const records = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { i: number; cuda: string; start: number; end: number });
    expect(records.map((r) => r.i).sort()).toEqual([1, 2, 3]);
    for (const r of records) expect(["0", "1"]).toContain(r.cuda);
    for (const a of records) {
      const overlapping = records.filter((b) => b !== a && b.start < a.end && a.start < b.end);
      expect(overlapping.length).toBeLessThanOrEqual(1);
      for (const b of overlapping) expect(b.cuda).not.toBe(a.cuda);
    }
    // Two ran side by side.
    expect(records.some((a) => records.some((b) => b !== a && b.start < a.end && a.start < b.end))).toBe(true);

    for (const job of ended) {
      const i = job.config.i as number;
      const run = await t.client.getRun(job.runId);
      expect(run.status).toBe("finished");
      const texts = await logTexts(job.runId);
      expect(texts.some((t) => /^job \d on GPU [01]$/.test(t))).toBe(true);
      expect(texts).toContain(JSON.stringify({ looplab: { step: 1, "val/acc": i / 10 } }));
      const points = await t.client.seriesPoints(job.runId, { key: "val/acc" });
      expect(JSON.stringify(points)).toContain(String(i / 10));
    }
  });

  it("skips a GPU busy with other work (re-probed before each claim) and gives a 2-GPU job two GPUs", async () => {
    const readings = join(t.dir, "readings.csv");
    const gpuLine = (i: number, used: number) => `${i}, GPU-${i}, Fake GPU, 1000, ${used}, 0`;
    writeFileSync(readings, `${gpuLine(0, 900)}\n${gpuLine(1, 0)}\n`);
    const out = join(t.dir, "busy-jobs.jsonl");
    const enqueue = async (gpus: number, i: number) =>
      (
        await t.client.call("enqueueJobs", {
          body: {
            project: "agent-it",
            command: [process.execPath, fixture("gpu-job.mjs")],
            config: { out, holdMs: 300, i },
            resources: { gpus },
          },
        })
      ).jobs[0] as Job;
    const single = [await enqueue(1, 1), await enqueue(1, 2)];
    agent({ env: env({ FAKE_NVIDIA_SMI_OUTPUT: readings }) });
    await jobsEnded(single.map((j) => j.id));
    const cudaOf = () =>
      readFileSync(out, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { i: number; cuda: string });
    expect(cudaOf().map((r) => r.cuda)).toEqual(["1", "1"]);
    // The other user's process leaves GPU 0: a 2-GPU job now gets both.
    writeFileSync(readings, `${gpuLine(0, 10)}\n${gpuLine(1, 0)}\n`);
    const double = await enqueue(2, 3);
    const [ended] = (await jobsEnded([double.id])) as Job[];
    expect(ended?.state).toBe("succeeded");
    expect(cudaOf().find((r) => r.i === 3)?.cuda).toBe("0,1");
  });

  it("a command that cannot start and a non-zero exit fail their jobs with the reason; the agent carries on", async () => {
    const enqueue = async (command: string[], config: Record<string, unknown> = {}) =>
      (await t.client.call("enqueueJobs", { body: { project: "agent-it", command, config, maxAttempts: 1 } }))
        .jobs[0] as Job;
    const missing = await enqueue(["pyhton-not-installed", "train.py"]);
    const exits = await enqueue([process.execPath, fixture("echo-job.mjs")], { exit: 3 });
    const ok = await enqueue([process.execPath, fixture("echo-job.mjs")], { exit: 0 });
    agent({ cpus: 1 });
    const ended = (await jobsEnded([missing.id, exits.id, ok.id])) as Job[];
    expect(ended.map((j) => [j.state, j.error])).toEqual([
      ["failed", "command not found: pyhton-not-installed"],
      ["failed", "exit code 3"],
      ["succeeded", null],
    ]);
    expect(ended[1]?.exitCode).toBe(3);
    expect(await logTexts(missing.runId)).toContain("[looplab] command not found: pyhton-not-installed");
    expect((await t.client.getRun(missing.runId)).status).toBe("failed");
  });

  it("cancel stops the job (SIGTERM, then SIGKILL after the grace period): the run ends killed", async () => {
    const {
      jobs: [job],
    } = await t.client.call("enqueueJobs", {
      body: {
        project: "agent-it",
        command: [process.execPath, fixture("stubborn-job.mjs")],
        resources: { gpus: 1 },
      },
    });
    const id = (job as Job).id;
    agent({ graceMs: 500 });
    await waitFor("the job to run", async () => (await getJob(id)).state === "running");
    await t.client.call("cancelJob", { params: { jobId: id }, body: {} });
    const [ended] = (await jobsEnded([id])) as Job[];
    expect(ended?.state).toBe("cancelled");
    expect((await t.client.getRun((job as Job).runId)).status).toBe("killed");
  });

  it("a job whose agent was SIGKILLed resumes on another agent from its checkpoint once its lease expires", async () => {
    const {
      jobs: [job],
    } = await t.client.call("enqueueJobs", {
      body: {
        project: "agent-resume",
        command: [process.execPath, "--import", "tsx", fixture("checkpoint-job.ts")],
        resources: { gpus: 1 },
      },
    });
    const { id, runId } = job as Job;
    const first = spawn(process.execPath, ["--import", "tsx", fixture("run-agent.ts")], {
      cwd: repoRoot,
      env: env({ LOOPLAB_URL: t.server.url, LOOPLAB_NVIDIA_SMI: fakeSmi, LOOPLAB_LOG_LEVEL: "warn" }),
      stdio: ["ignore", "inherit", "inherit"],
    });
    t.children.push(first);
    const saved = await waitFor(
      "the first attempt to save its checkpoint",
      async () => (await logTexts(runId)).find((t) => t.startsWith("checkpoint saved")),
      60_000,
    );
    // The machine dies: the agent and its job's process group, without a word to the t.server.
    const jobPid = Number(/pid (\d+)/.exec(saved)?.[1]);
    first.kill("SIGKILL");
    process.kill(-jobPid, "SIGKILL");

    agent();
    const [ended] = (await jobsEnded([id])) as Job[];
    expect(ended).toMatchObject({ state: "succeeded", runId, attempts: 2 });
    const texts = await logTexts(runId);
    expect(texts).toContain(`resumed from weights of run ${runId} at step 5`);
    expect((await t.client.getRun(runId)).status).toBe("finished");
  });

  it("outlives a server restart: retries until the server is back, then takes jobs again", async () => {
    const port = await freePort();
    const db = `sqlite:${join(t.dir, "restart.db")}`;
    let own = await startTestServer({ dbUrl: db, port, leaseTimeout: "5s" });
    const ownClient = createClient({ url: own.url });
    const handle = agent({ url: own.url, cpus: 1 });
    await waitFor("the agent to register", async () => handle.agentId);
    await own.close();
    await new Promise((r) => setTimeout(r, 2000)); // heartbeats and claims fail meanwhile
    own = await startTestServer({ dbUrl: db, port, leaseTimeout: "5s" });
    try {
      const {
        jobs: [job],
      } = await ownClient.call("enqueueJobs", {
        body: { project: "agent-it", command: [process.execPath, fixture("echo-job.mjs")] },
      });
      const id = (job as Job).id;
      await waitFor("the job to succeed", async () => {
        const state = (await ownClient.call("getJob", { params: { jobId: id } })).state;
        return state === "succeeded";
      });
    } finally {
      await handle.stop("handback");
      await own.close();
    }
  });
});
