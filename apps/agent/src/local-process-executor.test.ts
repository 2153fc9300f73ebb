import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeJobExecutorContract } from "./job-executor.contract.js";
import type { RunningProcess } from "./job-executor.js";
import { createLocalProcessExecutor } from "./local-process-executor.js";
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

describeJobExecutorContract("local process", createLocalProcessExecutor, { local: process.platform === "linux" });

describe("local process executor", () => {
  it.runIf(process.platform === "linux")("starts the job as the leader of its own process group", async () => {
    const started = await createLocalProcessExecutor().start({
      argv: [process.execPath, "-e", "setTimeout(() => {}, 200)"],
      env: process.env,
    });
    if (!started.ok) throw new Error(started.error);
    expect(parseProcStat(readFileSync(`/proc/${started.process.pid}/stat`, "utf8"))?.pgrp).toBe(started.process.pid);
    expect(await started.process.exited).toEqual({ code: 0, signal: null });
  });

  it.runIf(process.platform === "linux")(
    "the grandchild a job starts is in the job's group, not the agent's",
    async () => {
      const started = await createLocalProcessExecutor().start({
        argv: [process.execPath, stubborn],
        env: process.env,
      });
      if (!started.ok) throw new Error(started.error);
      const proc = started.process;
      const lines = await firstLines(proc, 2);
      const [, leader, grandchild] = (lines.find((l) => l.startsWith("pids")) as string).split(" ").map(Number);
      expect(leader).toBe(proc.pid);
      const stat = parseProcStat(readFileSync(`/proc/${grandchild}/stat`, "utf8"));
      expect(stat?.pgrp).toBe(proc.pid);
      expect(stat?.pgrp).not.toBe(process.pid);
      await proc.terminate(500);
      await new Promise((r) => setTimeout(r, 100));
      expect(alive(grandchild as number)).toBe(false);
    },
  );
});
