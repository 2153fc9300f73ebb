/**
 * The contract every job executor passes (job-executor.ts). Jobs are small Node scripts, so an
 * executor that runs them elsewhere (a Slurm or Kubernetes one) needs only `node` on its nodes.
 * `local` adds the checks that read this machine's process table.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { JobExecutor, RunningProcess } from "./job-executor.js";
import { parseProcStat } from "./process-group.js";

const stubborn = fileURLToPath(new URL("../test/fixtures/stubborn-job.mjs", import.meta.url));

async function output(proc: RunningProcess): Promise<string> {
  let out = "";
  proc.stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  await proc.exited;
  await new Promise((r) => setTimeout(r, 50));
  return out;
}

/** The first `count` lines the process prints on stdout. */
export async function firstLines(proc: RunningProcess, count: number): Promise<string[]> {
  const lines: string[] = [];
  let text = "";
  return new Promise((resolve) => {
    proc.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const parts = text.split("\n");
      text = parts.pop() ?? "";
      lines.push(...parts);
      if (lines.length >= count) resolve(lines);
    });
  });
}

/** True while the process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie waiting to be reaped has ended.
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"))?.state !== "Z";
  } catch {
    return process.platform !== "linux";
  }
}

async function started(executor: JobExecutor, argv: string[], extra: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const outcome = await executor.start({
    argv,
    env: { ...process.env, ...extra.env },
    ...(extra.cwd ? { cwd: extra.cwd } : {}),
  });
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.process;
}

export function describeJobExecutorContract(name: string, create: () => JobExecutor, opts: { local: boolean }): void {
  describe(`job executor contract: ${name}`, () => {
    it("runs argv as written, without a shell", async () => {
      const proc = await started(create(), [
        process.execPath,
        "-e",
        "process.stdout.write(process.argv[1])",
        "$HOME;* | `x`",
      ]);
      expect(await output(proc)).toBe("$HOME;* | `x`");
      expect(await proc.exited).toEqual({ code: 0, signal: null });
    });

    it("passes the environment and the working directory", async () => {
      const dir = await realpath(await mkdtemp(join(tmpdir(), "looplab-executor-")));
      const proc = await started(
        create(),
        [process.execPath, "-e", "process.stdout.write(process.env.LOOPLAB_RUN_ID + ' ' + process.cwd())"],
        { env: { LOOPLAB_RUN_ID: "abc" }, cwd: dir },
      );
      expect(await output(proc)).toBe(`abc ${dir}`);
    });

    it("reports the exit code, and stderr apart from stdout", async () => {
      const proc = await started(create(), [process.execPath, "-e", "console.error('bad'); process.exit(3)"]);
      let err = "";
      proc.stderr.on("data", (c: Buffer) => {
        err += c.toString();
      });
      expect(await output(proc)).toBe("");
      expect(await proc.exited).toEqual({ code: 3, signal: null });
      expect(err).toBe("bad\n");
    });

    it("a command that does not exist is a clear error, not a crash", async () => {
      expect(await create().start({ argv: ["pyhton-no-such", "train.py"], env: process.env })).toEqual({
        ok: false,
        error: "command not found: pyhton-no-such",
      });
      expect(await create().start({ argv: [], env: process.env })).toEqual({ ok: false, error: "empty command" });
    });

    it("a job that stops on SIGTERM ends before the grace period", async () => {
      const proc = await started(create(), [
        process.execPath,
        "-e",
        "process.stdout.write('up\\n'); setInterval(() => {}, 1000)",
      ]);
      await firstLines(proc, 1);
      const began = Date.now();
      expect(await proc.terminate(10_000)).toEqual({ code: null, signal: "SIGTERM" });
      expect(Date.now() - began).toBeLessThan(3000);
    });

    it("terminate: SIGKILL after the grace period reaches what the job started too", async () => {
      const proc = await started(create(), [process.execPath, stubborn]);
      const lines = await firstLines(proc, 2);
      const [, leader, grandchild] = (lines.find((l) => l.startsWith("pids")) as string).split(" ").map(Number);
      const began = Date.now();
      expect(await proc.terminate(700)).toEqual({ code: null, signal: "SIGKILL" });
      const took = Date.now() - began;
      expect(took).toBeGreaterThanOrEqual(600);
      expect(took).toBeLessThan(5000);
      if (opts.local) {
        await new Promise((r) => setTimeout(r, 100));
        expect(alive(leader as number)).toBe(false);
        expect(alive(grandchild as number)).toBe(false);
      }
    });
  });
}
