import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLocalProcessExecutor, type RunningProcess } from "./local-process-executor.js";
import { parseProcStat } from "./process-group.js";

const stubborn = fileURLToPath(new URL("../test/fixtures/stubborn-job.mjs", import.meta.url));

function alive(pid: number): boolean {
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

async function firstLines(proc: RunningProcess, count: number): Promise<string[]> {
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

describe("local process executor", () => {
  it("runs argv without a shell in its own process group", async () => {
    const started = await createLocalProcessExecutor().start({
      argv: [process.execPath, "-e", "process.stdout.write(process.argv[1])", "$HOME;* | `x`"],
      env: process.env,
    });
    if (!started.ok) throw new Error(started.error);
    let out = "";
    started.process.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    if (process.platform === "linux") {
      expect(parseProcStat(readFileSync(`/proc/${started.process.pid}/stat`, "utf8"))?.pgrp).toBe(started.process.pid);
    }
    expect(await started.process.exited).toEqual({ code: 0, signal: null });
    await new Promise((r) => setTimeout(r, 50));
    expect(out).toBe("$HOME;* | `x`");
  });

  it("a command that does not exist is a clear error, not a crash", async () => {
    const started = await createLocalProcessExecutor().start({
      argv: ["pyhton-no-such", "train.py"],
      env: process.env,
    });
    expect(started).toEqual({ ok: false, error: "command not found: pyhton-no-such" });
  });

  it.runIf(process.platform === "linux")(
    "terminate: SIGTERM to the whole group, SIGKILL after the grace period — child and grandchild both gone",
    async () => {
      const started = await createLocalProcessExecutor().start({
        argv: [process.execPath, stubborn],
        env: process.env,
      });
      if (!started.ok) throw new Error(started.error);
      const proc = started.process;
      const lines = await firstLines(proc, 2);
      const pidsLine = lines.find((l) => l.startsWith("pids")) as string;
      const [, leader, grandchild] = pidsLine.split(" ").map(Number);
      expect(leader).toBe(proc.pid);
      const stat = parseProcStat(readFileSync(`/proc/${grandchild}/stat`, "utf8"));
      expect(stat?.pgrp).toBe(proc.pid);
      expect(stat?.pgrp).not.toBe(process.pid);

      const began = Date.now();
      const exit = await proc.terminate(700);
      const took = Date.now() - began;
      expect(exit).toEqual({ code: null, signal: "SIGKILL" });
      expect(took).toBeGreaterThanOrEqual(600);
      expect(took).toBeLessThan(5000);
      await new Promise((r) => setTimeout(r, 100));
      expect(alive(leader as number)).toBe(false);
      expect(alive(grandchild as number)).toBe(false);
    },
  );

  it("a job that stops on SIGTERM ends before the grace period", async () => {
    const started = await createLocalProcessExecutor().start({
      argv: [process.execPath, "-e", "process.stdout.write('up\\n'); setInterval(() => {}, 1000)"],
      env: process.env,
    });
    if (!started.ok) throw new Error(started.error);
    await firstLines(started.process, 1);
    const began = Date.now();
    expect(await started.process.terminate(10_000)).toEqual({ code: null, signal: "SIGTERM" });
    expect(Date.now() - began).toBeLessThan(3000);
  });
});
