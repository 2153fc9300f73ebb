import { arch, hostname, release, type, userInfo } from "node:os";
import { captureGitInfo } from "./git-info.js";
import type { ContextOptions, RunContext } from "./platform.js";

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
  return {
    git,
    command: commandLine([process.argv[0] ?? "node", ...process.execArgv, ...process.argv.slice(1)]),
    host: host ?? null,
    environment: {
      ...(host === undefined ? {} : { host }),
      os: `${type()} ${release()} (${arch()})`,
      runtime: `node ${process.version}`,
      ...withUser(),
      cwd,
      pid: process.pid,
      vars,
    },
  };
}

/** Joins arguments into one line a POSIX shell would split back the same way. */
export function commandLine(args: readonly string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_/.:=@%+,-]+$/.test(a) ? a : `'${a.replaceAll("'", `'"'"'`)}'`)).join(" ");
}

function withUser(): { user?: string } {
  const user = safe(() => userInfo().username);
  return user === undefined ? {} : { user };
}

function safe(fn: () => string): string | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
