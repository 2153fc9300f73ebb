/**
 * Runs one claimed job: writes its config to a JSON file, downloads the run's latest
 * checkpoint (a resumed attempt), fills the command's placeholders, starts it with the job's
 * environment, streams its output to the run, and tells how it ended. A command that cannot
 * start ends the job as failed with the reason in the run's log; it never throws.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fillCommand, type Job } from "@looplab/core";
import type { LooplabClient } from "@looplab/sdk";
import type { Logger } from "pino";
import type { JobExecutor, ProcessExit, RunningProcess } from "./job-executor.js";
import { createLineSplitter } from "./line-splitter.js";
import { createRunOutput, type RunOutput } from "./run-output.js";

export interface JobEnvInput {
  job: Pick<Job, "id" | "runId">;
  serverUrl: string;
  configFile: string;
  gpuIndices: readonly number[];
  resumeCheckpoint: string | null;
  base: NodeJS.ProcessEnv;
}

/** The job's environment: the agent's, plus what tells the program which run it is. */
export function jobEnvironment(input: JobEnvInput): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...input.base,
    LOOPLAB_RUN_ID: input.job.runId,
    LOOPLAB_JOB_ID: input.job.id,
    LOOPLAB_URL: input.serverUrl,
    LOOPLAB_CONFIG_FILE: input.configFile,
    // A CPU job gets an empty list, so it cannot take a GPU.
    CUDA_VISIBLE_DEVICES: input.gpuIndices.join(","),
  };
  if (input.resumeCheckpoint === null) delete env.LOOPLAB_RESUME_CHECKPOINT;
  else env.LOOPLAB_RESUME_CHECKPOINT = input.resumeCheckpoint;
  return env;
}

export type JobOutcome = "succeeded" | "failed";

export interface JobResult {
  outcome: JobOutcome;
  exitCode: number | null;
  /** "exit code 3", "killed by SIGKILL", "command not found: pyhton"… */
  error?: string;
}

/** How a process's end reads as a job outcome. */
export function outcomeOf(exit: ProcessExit): JobResult {
  if (exit.code === 0) return { outcome: "succeeded", exitCode: 0 };
  if (exit.code !== null) return { outcome: "failed", exitCode: exit.code, error: `exit code ${exit.code}` };
  return { outcome: "failed", exitCode: null, error: `killed by ${exit.signal ?? "a signal"}` };
}

export interface JobRunnerDeps {
  client: LooplabClient;
  executor: JobExecutor;
  serverUrl: string;
  /** Folder under which each job gets its own (config file, downloaded checkpoint). */
  workDir: string;
  logger: Logger;
  /** Downloads the run's latest checkpoint into `dir`; its local path, or null when it has none. */
  downloadCheckpoint(runId: string, dir: string): Promise<string | null>;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

export interface StartedJob {
  pid: number;
  commandLine: string;
  output: RunOutput;
  process: RunningProcess;
  /** Resolves when the process has ended and its output has been sent (or given up on). */
  result: Promise<JobResult>;
  startedAt: number;
}

export type JobStart = { ok: true; job: StartedJob } | { ok: false; result: JobResult };

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function createJobRunner(deps: JobRunnerDeps) {
  const now = deps.now ?? Date.now;

  async function prepare(job: Job, output: RunOutput, logger: Logger) {
    const dir = join(deps.workDir, job.id);
    await mkdir(dir, { recursive: true });
    const configFile = join(dir, "config.json");
    await writeFile(configFile, `${JSON.stringify(job.config, null, 2)}\n`);
    let resumeCheckpoint: string | null = null;
    try {
      resumeCheckpoint = await deps.downloadCheckpoint(job.runId, join(dir, "checkpoint"));
      if (resumeCheckpoint !== null) output.note(`resuming from checkpoint ${resumeCheckpoint}`);
    } catch (error) {
      logger.warn({ err: error }, "could not download the run's latest checkpoint; starting without it");
      output.note(`could not download the run's latest checkpoint: ${(error as Error).message}`);
    }
    return { dir, configFile, resumeCheckpoint };
  }

  return {
    /** Prepares and starts the job's process; a job that cannot start is a failed result. */
    async start(job: Job, gpuIndices: readonly number[]): Promise<JobStart> {
      const logger = deps.logger.child({ jobId: job.id, runId: job.runId });
      const output = createRunOutput({ client: deps.client, runId: job.runId, logger, now });
      const fail = async (error: string): Promise<JobStart> => {
        output.note(error);
        await output.close(5000);
        return { ok: false, result: { outcome: "failed", exitCode: null, error } };
      };
      let prepared: Awaited<ReturnType<typeof prepare>>;
      try {
        prepared = await prepare(job, output, logger);
      } catch (error) {
        return fail(`could not prepare the job: ${(error as Error).message}`);
      }
      let argv: string[];
      try {
        argv = fillCommand(job.command, { configFile: prepared.configFile, runId: job.runId, config: job.config });
      } catch (error) {
        return fail((error as Error).message);
      }
      const env = jobEnvironment({
        job,
        serverUrl: deps.serverUrl,
        configFile: prepared.configFile,
        gpuIndices,
        resumeCheckpoint: prepared.resumeCheckpoint,
        base: deps.env ?? process.env,
      });
      const started = await deps.executor.start({ argv, env, cwd: process.cwd() });
      if (!started.ok) return fail(started.error);
      const child = started.process;
      const stdout = createLineSplitter((line) => output.line("stdout", line));
      const stderr = createLineSplitter((line) => output.line("stderr", line));
      const streamDone = (stream: NodeJS.ReadableStream, splitter: typeof stdout) =>
        new Promise<void>((resolve) => {
          stream.on("data", (chunk: Buffer) => splitter.push(chunk));
          stream.once("close", () => {
            splitter.end();
            resolve();
          });
          stream.once("error", () => resolve());
        });
      const streams = Promise.all([streamDone(child.stdout, stdout), streamDone(child.stderr, stderr)]);
      const result = (async () => {
        const exit = await child.exited;
        // The group was killed at exit, so the pipes close; do not wait for ever if one lingers.
        await Promise.race([streams, new Promise((r) => setTimeout(r, 2000).unref())]);
        const jobResult = outcomeOf(exit);
        logger.info({ ...jobResult, pid: child.pid }, "job process ended");
        await output.close(10_000);
        await rm(prepared.dir, { recursive: true, force: true }).catch(() => {});
        return jobResult;
      })();
      return {
        ok: true,
        job: {
          pid: child.pid,
          commandLine: argv.map(quoteArg).join(" "),
          output,
          process: child,
          result,
          startedAt: now(),
        },
      };
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
