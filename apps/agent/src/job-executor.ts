/**
 * The executor port: how the agent starts a job's command and stops it. The local-process
 * executor (local-process-executor.ts) is the one there is; a Slurm or Kubernetes executor would
 * implement the same interface and pass the same contract suite (job-executor.contract.ts).
 */
import type { Readable } from "node:stream";

export interface ProcessSpec {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ProcessExit {
  /** Exit code of the main process; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningProcess {
  pid: number;
  stdout: Readable;
  stderr: Readable;
  /** Resolves when the main process has ended and its group is gone. */
  exited: Promise<ProcessExit>;
  /** SIGTERM to the group, SIGKILL after `graceMs` if anything of it is left; resolves at exit. */
  terminate(graceMs: number): Promise<ProcessExit>;
}

export type StartOutcome = { ok: true; process: RunningProcess } | { ok: false; error: string };

/** The agent's way of running jobs (a Slurm or Kubernetes executor would offer the same). */
export interface JobExecutor {
  start(spec: ProcessSpec): Promise<StartOutcome>;
}
