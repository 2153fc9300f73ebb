import type { Gpu } from "@looplab/core";
import { gpuMetrics } from "@looplab/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startSystemMetrics, visibleGpus } from "./system-metrics.js";

const gpu = (index: number, uuid: string, used = 100, util: number | null = 50): Gpu => ({
  index,
  uuid,
  name: "NVIDIA Test",
  memoryTotalMiB: 1000,
  memoryUsedMiB: used,
  utilizationPercent: util,
});
const gpus = [gpu(0, "GPU-aaaa-1111"), gpu(1, "GPU-bbbb-2222", 500, 90), gpu(2, "GPU-cccc-3333", 0, null)];

afterEach(() => {
  vi.useRealTimers();
});

describe("visibleGpus", () => {
  it("keeps every GPU without CUDA_VISIBLE_DEVICES and follows its order and ids otherwise", () => {
    expect(visibleGpus(gpus, undefined).map((g) => g.index)).toEqual([0, 1, 2]);
    expect(visibleGpus(gpus, "2,0").map((g) => g.index)).toEqual([2, 0]);
    expect(visibleGpus(gpus, "GPU-bbbb").map((g) => g.index)).toEqual([1]);
    expect(visibleGpus(gpus, "cccc-3333").map((g) => g.index)).toEqual([2]);
    // CUDA stops at the first entry it cannot use.
    expect(visibleGpus(gpus, "1,7,0").map((g) => g.index)).toEqual([1]);
    expect(visibleGpus(gpus, "")).toEqual([]);
    expect(visibleGpus(gpus, "-1")).toEqual([]);
  });
});

describe("gpuMetrics", () => {
  it("names GPUs by their CUDA ordinal", () => {
    expect(gpuMetrics(visibleGpus(gpus, "1,2"))).toEqual({
      "system/gpu/0/utilization_percent": 90,
      "system/gpu/0/memory_used_mb": 500,
      "system/gpu/0/memory_percent": 50,
      "system/gpu/1/memory_used_mb": 0,
      "system/gpu/1/memory_percent": 0,
    });
  });
});

describe("startSystemMetrics", () => {
  it("logs process CPU and memory every interval at step = seconds since start, and GPUs when nvidia-smi answers", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const logged: { metrics: Record<string, number>; step: number }[] = [];
    const csv = "0, GPU-aaaa, NVIDIA A100, 40960, 2048, 75\n1, GPU-bbbb, NVIDIA A100, 40960, 0, 0\n";
    const stop = startSystemMetrics({
      intervalMs: 2_000,
      log: (metrics, step) => logged.push({ metrics, step }),
      now: () => Date.now(),
      cudaVisibleDevices: "1",
      queryGpus: async () => csv,
    });
    expect(logged).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    stop();
    await vi.advanceTimersByTimeAsync(10_000);
    const process = logged.filter((l) => "system/rss_mb" in l.metrics);
    expect(process.map((l) => l.step)).toEqual([2, 4]);
    for (const { metrics } of process) {
      expect(metrics["system/rss_mb"]).toBeGreaterThan(1);
      expect(metrics["system/heap_mb"]).toBeGreaterThan(0);
      expect(metrics["system/cpu_percent"]).toBeGreaterThanOrEqual(0);
    }
    const gpu = logged.filter((l) => "system/gpu/0/memory_used_mb" in l.metrics);
    expect(gpu.map((l) => l.step)).toEqual([2, 4]);
    expect(gpu[0]?.metrics).toEqual({
      "system/gpu/0/utilization_percent": 0,
      "system/gpu/0/memory_used_mb": 0,
      "system/gpu/0/memory_percent": 0,
    });
  });

  it("stops asking for GPUs once nvidia-smi is missing", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const query = vi.fn(async () => null);
    const stop = startSystemMetrics({ intervalMs: 1_000, log: () => {}, queryGpus: query });
    await vi.advanceTimersByTimeAsync(5_000);
    stop();
    expect(query).toHaveBeenCalledTimes(1);
  });
});
