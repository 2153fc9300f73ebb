import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseProcStat } from "./process-group.js";
import { cpuPercent, sampleGroup, systemMetricValues } from "./system-metrics.js";

describe("system metrics", () => {
  it("parses /proc/<pid>/stat, also with spaces and parentheses in the command name", () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i));
    // Fields after the name start at 3 (state); utime=14, stime=15, rss=24.
    fields[3] = "S";
    fields[4] = "1";
    fields[5] = "4242";
    fields[14] = "30";
    fields[15] = "12";
    fields[24] = "2560";
    const text = `4243 (my (weird) job) ${fields.slice(3).join(" ")}`;
    expect(parseProcStat(text)).toEqual({ pid: 4243, state: "S", ppid: 1, pgrp: 4242, cpuTicks: 42, rssPages: 2560 });
  });

  it("CPU % between samples; RSS in MB; GPU readings by the job's CUDA ordinal", () => {
    const a = { at: 0, cpuTicks: 0, rssBytes: 0 };
    const b = { at: 2000, cpuTicks: 300, rssBytes: 512 * 1024 * 1024 };
    expect(cpuPercent(null, b)).toBeNull();
    expect(cpuPercent(a, b)).toBe(150);
    const gpu = { index: 1, uuid: "u", name: "n", memoryTotalMiB: 100, memoryUsedMiB: 40, utilizationPercent: 77 };
    const other = { ...gpu, index: 0, uuid: "v", memoryUsedMiB: 0, utilizationPercent: null };
    expect(systemMetricValues(a, b, [gpu, other])).toEqual({
      "system/cpu_percent": 150,
      "system/rss_mb": 512,
      "system/gpu/0/utilization_percent": 77,
      "system/gpu/0/memory_used_mb": 40,
      "system/gpu/0/memory_percent": 40,
      "system/gpu/1/memory_used_mb": 0,
      "system/gpu/1/memory_percent": 0,
    });
  });

  it.runIf(process.platform === "linux")("samples the whole process group of a running job", async () => {
    const child = spawn(
      process.execPath,
      ["-e", "const b = Buffer.alloc(64 << 20, 1); const t = Date.now(); while (Date.now() - t < 3000) {}"],
      { detached: true, stdio: "ignore" },
    );
    try {
      await new Promise((r) => setTimeout(r, 600));
      const first = await sampleGroup(child.pid as number, Date.now());
      await new Promise((r) => setTimeout(r, 600));
      const second = await sampleGroup(child.pid as number, Date.now());
      expect(first).not.toBeNull();
      expect(second?.rssBytes).toBeGreaterThan(60 << 20);
      expect(cpuPercent(first, second as NonNullable<typeof second>)).toBeGreaterThan(5);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
