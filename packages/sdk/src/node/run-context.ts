import { arch, hostname, release, type, userInfo } from "node:os";
import type { ContextOptions, RunContext } from "../platform.js";
import { captureGitInfo } from "./git-info.js";

/** Environment variables worth recording with a run: none can hold a secret. */
const RECORDED_VARS = [
  "CUDA_VISIBLE_DEVICES",
  "LOOPLAB_RUN_ID",
  "SLURM_JOB_ID",
  "SLURM_ARRAY_JOB_ID",
  "SLURM_ARRAY_TASK_ID",
  "SLURM_NODELIST",
];

/** Command line, host, versions, user, cwd and git state of this process (Node). Never throws. */
export async function captureRunContext(options: ContextOptions): Promise<RunContext> {
  const cwd = process.cwd();
  const git = options.captureGit ? await captureGitInfo(cwd, options.maxDiffBytes).catch(() => null) : null;
  const host = safe(hostname);
  const vars: Record<string, string> = {};
  for (const name of RECORDED_VARS) {
    const value = process.env[name];
    if (value !== undefined) vars[name] = value;
  }
  const user = safe(() => userInfo().username);
  // Clamped to the lengths the API accepts, so that an odd machine cannot make init fail.
  return {
    git,
    command: clamp(commandLine([process.argv[0] ?? "node", ...process.execArgv, ...process.argv.slice(1)]), 100_000),
    host: host === undefined ? null : clamp(host, 500),
    environment: {
      ...(host === undefined ? {} : { host: clamp(host, 500) }),
      os: clamp(`${type()} ${release()} (${arch()})`, 500),
      runtime: `node ${process.version}`,
      ...(user === undefined ? {} : { user: clamp(user, 500) }),
      cwd: clamp(cwd, 4000),
      pid: process.pid,
      vars,
    },
  };
}

function clamp(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Joins arguments into one line a POSIX shell would split back the same way. */
export function commandLine(args: readonly string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_/.:=@%+,-]+$/.test(a) ? a : `'${a.replaceAll("'", `'"'"'`)}'`)).join(" ");
}

function safe(fn: () => string): string | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
