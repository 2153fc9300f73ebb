/**
 * The agent's slots: the GPUs it offers (all probed, the first N, or a list of indices) and its
 * CPU slots. A GPU goes to one job at a time; a GPU whose memory is mostly used by something
 * else (another user's process) is not offered until it frees up.
 */
import { type Gpu, invalidArgument } from "@looplab/core";

/** `auto` = every probed GPU; a number = the first N; a list = those indices. */
export type GpuSelection = { kind: "auto" } | { kind: "count"; count: number } | { kind: "list"; indices: number[] };

/** Parses `--gpus auto|N|0,2`. */
export function parseGpuSelection(text: string): GpuSelection {
  const value = text.trim();
  if (value === "" || value === "auto" || value === "all") return { kind: "auto" };
  if (/^\d+$/.test(value)) return { kind: "count", count: Number(value) };
  if (/^\d+(\s*,\s*\d+)*,?$/.test(value)) {
    const indices = [
      ...new Set(
        value
          .split(",")
          .filter((s) => s.trim() !== "")
          .map((s) => Number(s.trim())),
      ),
    ];
    return { kind: "list", indices: indices.sort((a, b) => a - b) };
  }
  throw invalidArgument(`--gpus: '${text}' is not auto, a number or a list of GPU indices such as 0,2`);
}

/** The probed GPUs the selection offers. Indices the list names that do not exist are reported. */
export function selectGpus(selection: GpuSelection, probed: readonly Gpu[]): { gpus: Gpu[]; missing: number[] } {
  if (selection.kind === "auto") return { gpus: [...probed], missing: [] };
  if (selection.kind === "count") return { gpus: probed.slice(0, selection.count), missing: [] };
  const byIndex = new Map(probed.map((g) => [g.index, g]));
  return {
    gpus: selection.indices.flatMap((i) => (byIndex.has(i) ? [byIndex.get(i) as Gpu] : [])),
    missing: selection.indices.filter((i) => !byIndex.has(i)),
  };
}

/** Default CPU slots: the number of cores when the agent offers no GPU, else none. */
export function defaultCpuSlots(gpuCount: number, cores: number): number {
  return gpuCount === 0 ? Math.max(1, cores) : 0;
}

export interface SlotAllocatorOptions {
  /** Indices of the GPUs this agent offers. */
  gpuIndices: readonly number[];
  cpuSlots: number;
  /** memoryUsed / memoryTotal above which a GPU not used by our jobs counts as busy (default 0.5). */
  busyThreshold?: number;
}

export interface FreeSlots {
  freeGpus: number[];
  freeCpuSlots: number;
  /** Offered GPUs skipped because something else uses their memory. */
  busyGpus: number[];
}

export interface Assignment {
  gpuIndices: number[];
  cpuSlots: number;
}

export interface SlotAllocator {
  /** Records fresh GPU readings (from the probe before a claim). */
  updateReadings(gpus: readonly Gpu[]): void;
  free(): FreeSlots;
  /**
   * Takes the slots of a claimed job: its GPUs (which must be free) or, for a CPU job, `cpus`
   * CPU slots. Throws when they are not free (the server picked from the free list we sent).
   */
  assign(jobId: string, gpuIndices: readonly number[], cpus: number): Assignment;
  release(jobId: string): void;
  /** The job holding each GPU. */
  holders(): Map<number, string>;
  readonly gpuIndices: readonly number[];
  readonly cpuSlots: number;
}

export function isGpuBusy(gpu: Gpu, threshold: number): boolean {
  if (gpu.memoryTotalMiB <= 0) return false;
  return gpu.memoryUsedMiB / gpu.memoryTotalMiB > threshold;
}

export function createSlotAllocator(options: SlotAllocatorOptions): SlotAllocator {
  const threshold = options.busyThreshold ?? 0.5;
  if (!(threshold > 0 && threshold <= 1)) throw invalidArgument("--gpu-busy-threshold must be in (0, 1]");
  const offered = [...new Set(options.gpuIndices)].sort((a, b) => a - b);
  const gpuHolder = new Map<number, string>();
  const jobs = new Map<string, Assignment>();
  let readings = new Map<number, Gpu>();
  let cpuInUse = 0;

  const busy = () =>
    offered.filter((i) => {
      const reading = readings.get(i);
      return !gpuHolder.has(i) && reading !== undefined && isGpuBusy(reading, threshold);
    });

  return {
    gpuIndices: offered,
    cpuSlots: options.cpuSlots,
    updateReadings(gpus) {
      readings = new Map(gpus.map((g) => [g.index, g]));
    },
    free() {
      const busyGpus = busy();
      return {
        freeGpus: offered.filter((i) => !gpuHolder.has(i) && !busyGpus.includes(i)),
        freeCpuSlots: Math.max(0, options.cpuSlots - cpuInUse),
        busyGpus,
      };
    },
    assign(jobId, gpuIndices, cpus) {
      if (jobs.has(jobId)) throw invalidArgument(`job ${jobId} already holds slots`);
      const taken = [...new Set(gpuIndices)];
      for (const i of taken) {
        if (!offered.includes(i)) throw invalidArgument(`GPU ${i} is not offered by this agent`);
        const holder = gpuHolder.get(i);
        if (holder !== undefined) throw invalidArgument(`GPU ${i} is in use by job ${holder}`);
      }
      const cpuSlots = taken.length === 0 ? Math.max(1, cpus) : 0;
      if (cpuSlots > options.cpuSlots - cpuInUse) {
        throw invalidArgument(`job ${jobId} needs ${cpuSlots} CPU slots, ${options.cpuSlots - cpuInUse} free`);
      }
      for (const i of taken) gpuHolder.set(i, jobId);
      cpuInUse += cpuSlots;
      const assignment = { gpuIndices: taken.sort((a, b) => a - b), cpuSlots };
      jobs.set(jobId, assignment);
      return assignment;
    },
    release(jobId) {
      const assignment = jobs.get(jobId);
      if (!assignment) return;
      jobs.delete(jobId);
      for (const i of assignment.gpuIndices) gpuHolder.delete(i);
      cpuInUse -= assignment.cpuSlots;
    },
    holders() {
      return new Map(gpuHolder);
    },
  };
}
