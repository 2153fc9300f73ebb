/**
 * Starts a job's command as a local process: argv as given (no shell), in its own process
 * group (`detached`), stdout and stderr piped to the agent. Stopping it sends SIGTERM to the
 * whole group and SIGKILL after a grace period; when the command's main process ends, what it
 * left running in its group is killed too.
 */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { sleep } from "./backoff.js";
import type { JobExecutor, ProcessExit } from "./job-executor.js";
import { groupAlive, signalGroup } from "./process-group.js";

function describeSpawnError(error: NodeJS.ErrnoException, command: string): string {
  if (error.code === "ENOENT") return `command not found: ${command}`;
  if (error.code === "EACCES") return `permission denied: ${command}`;
  return `could not start ${command}: ${error.message}`;
}

export function createLocalProcessExecutor(): JobExecutor {
  return {
    start(spec) {
      const [command, ...args] = spec.argv;
      if (command === undefined || command === "") return Promise.resolve({ ok: false, error: "empty command" });
      return new Promise((resolve) => {
        let child: ReturnType<typeof spawn>;
        try {
          child = spawn(command, args, {
            env: spec.env,
            ...(spec.cwd ? { cwd: spec.cwd } : {}),
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
          });
        } catch (error) {
          resolve({ ok: false, error: describeSpawnError(error as NodeJS.ErrnoException, command) });
          return;
        }
        child.once("error", (error: NodeJS.ErrnoException) => {
          if (child.pid === undefined) resolve({ ok: false, error: describeSpawnError(error, command) });
        });
        child.once("spawn", () => {
          const pid = child.pid as number;
          const exited = new Promise<ProcessExit>((done) => {
            child.once("exit", (code, signal) => {
              // Whatever the command left behind in its group goes with it.
              signalGroup(pid, "SIGKILL");
              done({ code, signal });
            });
          });
          let terminating: Promise<ProcessExit> | null = null;
          resolve({
            ok: true,
            process: {
              pid,
              stdout: child.stdout as Readable,
              stderr: child.stderr as Readable,
              exited,
              terminate(graceMs) {
                terminating ??= (async () => {
                  signalGroup(pid, "SIGTERM");
                  const deadline = Date.now() + graceMs;
                  let leaderDone = false;
                  void exited.then(() => {
                    leaderDone = true;
                  });
                  while (Date.now() < deadline) {
                    if (leaderDone && !(await groupAlive(pid))) break;
                    await sleep(Math.min(100, Math.max(1, deadline - Date.now())));
                  }
                  signalGroup(pid, "SIGKILL");
                  return exited;
                })();
                return terminating;
              },
            },
          });
        });
      });
    },
  };
}
