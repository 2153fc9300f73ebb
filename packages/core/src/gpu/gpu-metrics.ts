import type { Gpu } from "../schemas/queue.js";

/**
 * System metrics of the GPUs a program can see, named by their CUDA ordinal (`cuda:0` is
 * `system/gpu/0/…`, whatever its physical index): the same names whether the SDK samples its own
 * process or an agent samples a queued job. `gpus` must be in CUDA_VISIBLE_DEVICES order.
 */
export function gpuMetrics(gpus: readonly Gpu[]): Record<string, number> {
  const metrics: Record<string, number> = {};
  gpus.forEach((gpu, ordinal) => {
    const prefix = `system/gpu/${ordinal}`;
    if (gpu.utilizationPercent !== null) metrics[`${prefix}/utilization_percent`] = gpu.utilizationPercent;
    metrics[`${prefix}/memory_used_mb`] = gpu.memoryUsedMiB;
    if (gpu.memoryTotalMiB > 0) metrics[`${prefix}/memory_percent`] = (100 * gpu.memoryUsedMiB) / gpu.memoryTotalMiB;
  });
  return metrics;
}
