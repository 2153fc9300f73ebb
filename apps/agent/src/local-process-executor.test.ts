import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { alive, describeJobExecutorContract, firstLines } from "./job-executor.contract.js";
import { createLocalProcessExecutor } from "./local-process-executor.js";
import { parseProcStat } from "./process-group.js";

const stubborn = fileURLToPath(new URL("../test/fixtures/stubborn-job.mjs", import.meta.url));

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
