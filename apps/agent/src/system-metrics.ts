/**
 * System metrics of running jobs, logged as metrics of their runs: CPU % and resident memory of
 * the job's whole process group (from /proc, Linux only) and the utilisation and memory of
 * its GPUs (from the probe, named by the job's CUDA ordinals as the SDK names them), with
 * step = whole seconds since the job started.
 */
import { type Gpu, gpuMetrics } from "@looplab/core";
import { listGroupProcesses } from "./process-group.js";

export const CLOCK_TICKS_PER_SECOND = 100;
export const PAGE_BYTES = 4096;

export interface GroupSample {
  /** Wall time of the sample, ms. */
  at: number;
  cpuTicks: number;
  rssBytes: number;
}

export async function sampleGroup(pgid: number, at: number, procRoot?: string): Promise<GroupSample | null> {
  if (process.platform !== "linux") return null;
  const processes = await listGroupProcesses(pgid, procRoot);
  if (processes.length === 0) return null;
  return {
    at,
    cpuTicks: processes.reduce((sum, p) => sum + p.cpuTicks, 0),
    rssBytes: processes.reduce((sum, p) => sum + Math.max(0, p.rssPages) * PAGE_BYTES, 0),
  };
}

/** CPU % between two samples (100 = one core busy); null without an earlier sample. */
export function cpuPercent(previous: GroupSample | null, current: GroupSample): number | null {
  if (previous === null) return null;
  const seconds = (current.at - previous.at) / 1000;
  if (seconds <= 0) return null;
  const ticks = Math.max(0, current.cpuTicks - previous.cpuTicks);
  return Math.round(((ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100 + Number.EPSILON) * 10) / 10;
}

/** The metric values of one sample of a job; `gpus` in the job's CUDA_VISIBLE_DEVICES order. */
export function systemMetricValues(
  previous: GroupSample | null,
  current: GroupSample | null,
  gpus: readonly Gpu[],
): Record<string, number> {
  const values: Record<string, number> = {};
  if (current !== null) {
    const cpu = cpuPercent(previous, current);
    if (cpu !== null) values["system/cpu_percent"] = cpu;
    values["system/rss_mb"] = Math.round((current.rssBytes / (1024 * 1024)) * 10) / 10;
  }
  return { ...values, ...gpuMetrics(gpus) };
}

/** Per job: keeps the previous sample so the next one gives a CPU %. */
export function createJobSampler(pgid: number, startedAt: number) {
  let previous: GroupSample | null = null;
  return {
    async sample(now: number, gpus: readonly Gpu[]): Promise<{ step: number; values: Record<string, number> }> {
      const current = await sampleGroup(pgid, now);
      const values = systemMetricValues(previous, current, gpus);
      if (current !== null) previous = current;
      return { step: Math.max(0, Math.round((now - startedAt) / 1000)), values };
    },
  };
}
