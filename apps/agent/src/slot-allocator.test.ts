import type { Gpu } from "@looplab/core";
import { describe, expect, it } from "vitest";
import { createSlotAllocator, defaultCpuSlots, parseGpuSelection, selectGpus } from "./slot-allocator.js";

const gpu = (index: number, usedMiB = 0, totalMiB = 1000): Gpu => ({
  index,
  uuid: `GPU-${index}`,
  name: "Fake",
  memoryTotalMiB: totalMiB,
  memoryUsedMiB: usedMiB,
  utilizationPercent: 0,
});
const four = [gpu(0), gpu(1), gpu(2), gpu(3)];

describe("--gpus selection", () => {
  it("auto offers every probed GPU, N the first N, a list those indices", () => {
    expect(selectGpus(parseGpuSelection("auto"), four).gpus.map((g) => g.index)).toEqual([0, 1, 2, 3]);
    expect(selectGpus(parseGpuSelection("2"), four).gpus.map((g) => g.index)).toEqual([0, 1]);
    expect(selectGpus(parseGpuSelection("0"), four).gpus).toEqual([]);
    expect(selectGpus(parseGpuSelection("3,1"), four).gpus.map((g) => g.index)).toEqual([1, 3]);
    expect(selectGpus(parseGpuSelection("1,7"), four)).toMatchObject({ missing: [7] });
  });

  it("refuses what is not auto, a number or a list", () => {
    expect(() => parseGpuSelection("two")).toThrow(/--gpus/);
    expect(() => parseGpuSelection("0,,x")).toThrow(/--gpus/);
  });

  it("CPU slots default to the cores without GPUs, none with GPUs", () => {
    expect(defaultCpuSlots(0, 8)).toBe(8);
    expect(defaultCpuSlots(2, 8)).toBe(0);
  });
});

describe("slot allocator", () => {
  it("never gives a GPU to two jobs, and frees it when the job ends", () => {
    const slots = createSlotAllocator({ gpuIndices: [0, 1, 2, 3], cpuSlots: 0 });
    expect(slots.assign("a", [0, 1], 1).gpuIndices).toEqual([0, 1]);
    expect(slots.free().freeGpus).toEqual([2, 3]);
    expect(() => slots.assign("b", [1, 2], 1)).toThrow(/GPU 1 is in use by job a/);
    expect(slots.free().freeGpus).toEqual([2, 3]);
    slots.assign("c", [3], 1);
    expect(slots.holders()).toEqual(
      new Map([
        [0, "a"],
        [1, "a"],
        [3, "c"],
      ]),
    );
    slots.release("a");
    expect(slots.free().freeGpus).toEqual([0, 1, 2]);
    expect(() => slots.assign("d", [9], 1)).toThrow(/not offered/);
  });

  it("skips a GPU whose memory is mostly used by something else, until it frees up", () => {
    const slots = createSlotAllocator({ gpuIndices: [0, 1, 2], cpuSlots: 0, busyThreshold: 0.5 });
    slots.updateReadings([gpu(0, 100), gpu(1, 900), gpu(2, 500)]);
    expect(slots.free()).toMatchObject({ freeGpus: [0, 2], busyGpus: [1] });
    // Our own job filling a GPU does not make it "busy with something else".
    slots.assign("mine", [0], 1);
    slots.updateReadings([gpu(0, 990), gpu(1, 900), gpu(2, 500)]);
    expect(slots.free()).toMatchObject({ freeGpus: [2], busyGpus: [1] });
    slots.updateReadings([gpu(0, 990), gpu(1, 10), gpu(2, 500)]);
    expect(slots.free().freeGpus).toEqual([1, 2]);
  });

  it("the busy threshold is configurable", () => {
    const slots = createSlotAllocator({ gpuIndices: [0], cpuSlots: 0, busyThreshold: 0.9 });
    slots.updateReadings([gpu(0, 800)]);
    expect(slots.free().freeGpus).toEqual([0]);
    expect(() => createSlotAllocator({ gpuIndices: [0], cpuSlots: 0, busyThreshold: 1.5 })).toThrow();
  });

  it("CPU jobs take CPU slots", () => {
    const slots = createSlotAllocator({ gpuIndices: [], cpuSlots: 3 });
    slots.assign("a", [], 2);
    expect(slots.free().freeCpuSlots).toBe(1);
    expect(() => slots.assign("b", [], 2)).toThrow(/needs 2 CPU slots, 1 free/);
    slots.assign("c", [], 1);
    expect(slots.free().freeCpuSlots).toBe(0);
    slots.release("a");
    expect(slots.free().freeCpuSlots).toBe(2);
  });
});
