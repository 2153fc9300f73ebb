import { describe, expect, it } from "vitest";
import { gpuMetrics } from "./gpu-metrics.js";

describe("gpuMetrics", () => {
  it("names GPUs by their position (the CUDA ordinal), not their physical index", () => {
    const gpu = (index: number, used: number, util: number | null) => ({
      index,
      uuid: `GPU-${index}`,
      name: "A100",
      memoryTotalMiB: 1000,
      memoryUsedMiB: used,
      utilizationPercent: util,
    });
    expect(gpuMetrics([gpu(3, 250, 80), gpu(1, 0, null)])).toEqual({
      "system/gpu/0/utilization_percent": 80,
      "system/gpu/0/memory_used_mb": 250,
      "system/gpu/0/memory_percent": 25,
      "system/gpu/1/memory_used_mb": 0,
      "system/gpu/1/memory_percent": 0,
    });
    expect(gpuMetrics([])).toEqual({});
  });

  it("leaves out the memory share when the total is unknown", () => {
    const unknownTotal = { index: 0, uuid: "u", name: "n", memoryTotalMiB: 0, memoryUsedMiB: 5, utilizationPercent: 1 };
    expect(gpuMetrics([unknownTotal])).toEqual({
      "system/gpu/0/utilization_percent": 1,
      "system/gpu/0/memory_used_mb": 5,
    });
  });
});
