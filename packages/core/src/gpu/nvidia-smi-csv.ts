/**
 * Reads the output of
 * `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits`
 * (one line per GPU, e.g. `0, GPU-5f0e…, NVIDIA A100-SXM4-40GB, 40960, 3, 0`). A GPU name may hold
 * commas, so the fields are taken from both ends. Fields nvidia-smi cannot read come as
 * `[N/A]` or `[Not Supported]`: memory then counts as 0 and utilisation as null.
 */
import { invalidArgument } from "../errors.js";
import type { Gpu } from "../schemas/queue.js";

export const NVIDIA_SMI_QUERY_ARGS = [
  "--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu",
  "--format=csv,noheader,nounits",
] as const;

function numberOrNull(field: string): number | null {
  const text = field.trim();
  if (text === "" || text.startsWith("[")) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

export function parseNvidiaSmiCsv(output: string): Gpu[] {
  const gpus: Gpu[] = [];
  const lines = output.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const fields = line.split(",");
    if (fields.length < 6) {
      throw invalidArgument(`nvidia-smi output line ${i + 1} has ${fields.length} fields, expected 6: '${line}'`);
    }
    const index = numberOrNull(fields[0] ?? "");
    if (index === null || !Number.isInteger(index) || index < 0) {
      throw invalidArgument(`nvidia-smi output line ${i + 1}: '${fields[0]?.trim()}' is not a GPU index`);
    }
    const tail = fields.slice(-3);
    const utilization = numberOrNull(tail[2] ?? "");
    gpus.push({
      index,
      uuid: (fields[1] ?? "").trim(),
      name: fields.slice(2, -3).join(",").trim(),
      memoryTotalMiB: Math.max(0, numberOrNull(tail[0] ?? "") ?? 0),
      memoryUsedMiB: Math.max(0, numberOrNull(tail[1] ?? "") ?? 0),
      utilizationPercent: utilization === null ? null : Math.min(100, Math.max(0, utilization)),
    });
  }
  return gpus.sort((a, b) => a.index - b.index);
}
