import { execFile } from "node:child_process";
import { type Gpu, gpuMetrics, NVIDIA_SMI_QUERY_ARGS, parseNvidiaSmiCsv } from "@looplab/core";
import { startInterval } from "../timer.js";

/**
 * System metrics of a run the SDK starts in Node (docs/logs.md), logged as ordinary metrics
 * with step = whole seconds since the sampler started:
 * `system/cpu_percent` (this process, from `process.cpuUsage()` deltas; 100 = one core busy),
 * `system/rss_mb`, `system/heap_mb`, and per visible GPU (nvidia-smi, CUDA_VISIBLE_DEVICES
 * respected, numbered as the program sees them: cuda:0, cuda:1…)
 * `system/gpu/<n>/utilization_percent`, `system/gpu/<n>/memory_used_mb` and `…/memory_percent`.
 */

export interface SystemMetricsOptions {
  intervalMs: number;
  /** Where samples go (the run's `logAtStep`). */
  log(metrics: Record<string, number>, step: number): void;
  now?: () => number;
  /** CUDA_VISIBLE_DEVICES as set for the program (undefined: every GPU). */
  cudaVisibleDevices?: string | undefined;
  /** nvidia-smi's CSV output, or null when there is no nvidia-smi (injectable for tests). */
  queryGpus?: () => Promise<string | null>;
}

const MB = 1024 * 1024;

/** Runs nvidia-smi with the shared query; null when it is missing or fails. */
export function runNvidiaSmi(timeoutMs = 5_000): Promise<string | null> {
  return new Promise((resolve) => {
    try {
      execFile("nvidia-smi", [...NVIDIA_SMI_QUERY_ARGS], { timeout: timeoutMs, windowsHide: true }, (error, stdout) =>
        resolve(error ? null : stdout),
      );
    } catch {
      resolve(null);
    }
  });
}

/**
 * The GPUs the program can use, in the order CUDA numbers them: CUDA_VISIBLE_DEVICES lists
 * indices or UUIDs (a prefix is enough, as for CUDA); an entry that matches nothing ends the list.
 */
export function visibleGpus(gpus: readonly Gpu[], cudaVisibleDevices: string | undefined): Gpu[] {
  if (cudaVisibleDevices === undefined) return [...gpus].sort((a, b) => a.index - b.index);
  const out: Gpu[] = [];
  for (const raw of cudaVisibleDevices.split(",")) {
    const entry = raw.trim();
    if (entry === "") break;
    const gpu = /^\d+$/.test(entry)
      ? gpus.find((g) => g.index === Number(entry))
      : gpus.find((g) => g.uuid.startsWith(entry) || g.uuid.startsWith(`GPU-${entry}`));
    if (gpu === undefined || out.includes(gpu)) break;
    out.push(gpu);
  }
  return out;
}

/** Samples every `intervalMs` (the first after one interval); returns the stop function. */
export function startSystemMetrics(options: SystemMetricsOptions): () => void {
  const now = options.now ?? Date.now;
  const queryGpus = options.queryGpus ?? (() => runNvidiaSmi());
  const start = now();
  let lastWall = start;
  let lastCpu = process.cpuUsage();
  let gpusAvailable = true;
  let gpuBusy = false;
  let stopped = false;

  const sample = () => {
    if (stopped) return;
    try {
      const wall = now();
      const cpu = process.cpuUsage(lastCpu);
      const elapsedUs = (wall - lastWall) * 1000;
      lastCpu = process.cpuUsage();
      lastWall = wall;
      const step = Math.round((wall - start) / 1000);
      const memory = process.memoryUsage();
      const metrics: Record<string, number> = {
        "system/rss_mb": memory.rss / MB,
        "system/heap_mb": memory.heapUsed / MB,
      };
      if (elapsedUs > 0) metrics["system/cpu_percent"] = (100 * (cpu.user + cpu.system)) / elapsedUs;
      options.log(metrics, step);
      if (gpusAvailable && !gpuBusy) {
        gpuBusy = true;
        void queryGpus()
          .then((output) => {
            if (output === null) {
              gpusAvailable = false;
              return;
            }
            const gpus = visibleGpus(parseNvidiaSmiCsv(output), options.cudaVisibleDevices);
            const values = gpuMetrics(gpus);
            if (!stopped && Object.keys(values).length > 0) options.log(values, step);
          })
          .catch(() => {
            gpusAvailable = false;
          })
          .finally(() => {
            gpuBusy = false;
          });
      }
    } catch {
      // A failed sample is skipped; the program goes on.
    }
  };

  const timer = startInterval(sample, Math.max(100, options.intervalMs));
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
