// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} placeholders are literal text here
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Job } from "@looplab/core";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobRunner, jobEnvironment, outcomeOf } from "./job-runner.js";
import { createLocalProcessExecutor } from "./local-process-executor.js";

const echoJob = fileURLToPath(new URL("../test/fixtures/echo-job.mjs", import.meta.url));

let server: RunningServer;
let client: LooplabClient;
let workDir: string;

beforeAll(async () => {
  server = await startTestServer();
  client = createClient({ url: server.url });
  workDir = mkdtempSync(join(tmpdir(), "looplab-runner-"));
});
afterAll(async () => {
  await server.close();
  rmSync(workDir, { recursive: true, force: true });
});

function jobFor(runId: string, command: string[], config: Record<string, unknown>): Job {
  return {
    id: "a".repeat(32),
    runId,
    project: "agent-runner",
    queue: "default",
    command,
    config,
    resources: { gpus: 1, cpus: 1 },
    priority: 0,
    state: "leased",
    attempts: 1,
    maxAttempts: 3,
    cancelRequested: false,
    agentId: "b".repeat(32),
    gpuIndices: [1],
    leaseExpiresAt: null,
    exitCode: null,
    error: null,
    sweepId: null,
    createdAt: 0,
    updatedAt: 0,
    startedAt: null,
    endedAt: null,
  };
}

function runner(checkpoint: string | null = null) {
  return createJobRunner({
    client,
    executor: createLocalProcessExecutor(),
    serverUrl: server.url,
    workDir,
    logger: pino({ level: "silent" }),
    env: { PATH: process.env.PATH, CUDA_VISIBLE_DEVICES: "0,1,2,3", LOOPLAB_RESUME_CHECKPOINT: "/stale" },
    downloadCheckpoint: async () => checkpoint,
  });
}

async function logTexts(runId: string) {
  const page = await client.call("readLogs", { params: { runId }, query: { limit: 100 } });
  return page.lines.map((l) => `${l.stream}: ${l.text}`);
}

describe("job runner", () => {
  it("fills the placeholders, hands the job its env and config file, streams its output to the run", async () => {
    const run = await client.createRun({ project: "agent-runner" });
    const config = { model: { width: 256 }, lr: 0.001, exit: 0 };
    const job = jobFor(
      run.id,
      [process.execPath, echoJob, "--config", "${config_file}", "--run=${run_id}", "${config.model.width}"],
      config,
    );
    const start = await runner("/tmp/ckpt/7").start(job, [1]);
    if (!start.ok) throw new Error(start.result.error);
    expect(await start.job.result).toEqual({ outcome: "succeeded", exitCode: 0 });
    const lines = await logTexts(run.id);
    expect(lines[0]).toBe("stderr: [looplab] resuming from checkpoint /tmp/ckpt/7");
    const seen = JSON.parse((lines.find((l) => l.startsWith('stdout: {"argv"')) as string).slice("stdout: ".length));
    const configFile = join(workDir, job.id, "config.json");
    expect(seen).toEqual({
      argv: ["--config", configFile, `--run=${run.id}`, "256"],
      env: {
        LOOPLAB_RUN_ID: run.id,
        LOOPLAB_JOB_ID: job.id,
        LOOPLAB_URL: server.url,
        LOOPLAB_CONFIG_FILE: configFile,
        LOOPLAB_RESUME_CHECKPOINT: "/tmp/ckpt/7",
        CUDA_VISIBLE_DEVICES: "1",
      },
      config,
    });
    expect(lines).toContain('stdout: {"looplab":{"step":1,"val/acc":0.5}}');
    expect(lines).toContain("stderr: a warning");
    expect(lines).toContain("stdout: no newline at the end");
    const points = await client.seriesPoints(run.id, { key: "val/acc" });
    expect(JSON.stringify(points)).toMatch(/0\.5/);
  });

  it('a CPU job gets CUDA_VISIBLE_DEVICES="" and no stale resume checkpoint; a non-zero exit fails it', async () => {
    const run = await client.createRun({ project: "agent-runner" });
    const start = await runner(null).start(jobFor(run.id, [process.execPath, echoJob], { exit: 3 }), []);
    if (!start.ok) throw new Error(start.result.error);
    expect(await start.job.result).toEqual({ outcome: "failed", exitCode: 3, error: "exit code 3" });
    const seen = JSON.parse(((await logTexts(run.id))[0] as string).slice("stdout: ".length));
    expect(seen.env.CUDA_VISIBLE_DEVICES).toBe("");
    expect(seen.env.LOOPLAB_RESUME_CHECKPOINT).toBeNull();
  });

  it("a command that cannot start fails the job with the reason in the run's log", async () => {
    const run = await client.createRun({ project: "agent-runner" });
    const start = await runner().start(jobFor(run.id, ["pyhton-not-installed", "train.py"], {}), [0]);
    expect(start).toEqual({
      ok: false,
      result: { outcome: "failed", exitCode: null, error: "command not found: pyhton-not-installed" },
    });
    expect(await logTexts(run.id)).toEqual(["stderr: [looplab] command not found: pyhton-not-installed"]);
  });

  it("an unknown placeholder or config key fails the job before it starts", async () => {
    const run = await client.createRun({ project: "agent-runner" });
    const start = await runner().start(jobFor(run.id, ["echo", "${config.missing}"], {}), [0]);
    expect(start.ok).toBe(false);
    if (!start.ok) expect(start.result.error).toMatch(/the config has no key 'missing'/);
  });

  it("reads exits and signals as outcomes; the job's environment keeps the agent's", () => {
    expect(outcomeOf({ code: null, signal: "SIGKILL" })).toEqual({
      outcome: "failed",
      exitCode: null,
      error: "killed by SIGKILL",
    });
    const env = jobEnvironment({
      job: { id: "j", runId: "r" },
      serverUrl: "http://x",
      configFile: "/c.json",
      gpuIndices: [0, 2],
      resumeCheckpoint: null,
      base: { HOME: "/home/me" },
    });
    expect(env).toMatchObject({ HOME: "/home/me", CUDA_VISIBLE_DEVICES: "0,2", LOOPLAB_RUN_ID: "r" });
  });
});
