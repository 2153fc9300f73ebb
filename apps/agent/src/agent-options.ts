/**
 * The agent's settings over flags > environment (`LOOPLAB_*`) > defaults, parsed once by
 * `resolveAgentSettings`; a bad value is an INVALID_ARGUMENT naming the flag.
 */
import { hostname } from "node:os";
import { invalidArgument, parseDuration, queueNameSchema } from "@looplab/core";
import { type GpuSelection, parseGpuSelection } from "./slot-allocator.js";

export const stopModes = ["drain", "handback"] as const;
export type StopMode = (typeof stopModes)[number];

export interface AgentSettings {
  url: string;
  queues: string[];
  gpus: GpuSelection;
  /** CPU slots; undefined = the default (cores when there is no GPU, else 0). */
  cpus: number | undefined;
  name: string;
  graceMs: number;
  onStop: StopMode;
  nvidiaSmiPath: string;
  gpuBusyThreshold: number;
  systemIntervalMs: number;
}

export interface AgentFlags {
  url?: string | undefined;
  queues?: string[] | undefined;
  gpus?: string | undefined;
  cpus?: string | number | undefined;
  name?: string | undefined;
  grace?: string | number | undefined;
  onStop?: string | undefined;
  nvidiaSmi?: string | undefined;
  gpuBusyThreshold?: string | number | undefined;
  systemInterval?: string | number | undefined;
}

function parseNumber(flag: string, value: string | number, check: (n: number) => boolean, what: string): number {
  const n = typeof value === "number" ? value : Number(value.trim());
  if (value === "" || !Number.isFinite(n) || !check(n)) throw invalidArgument(`--${flag}: '${value}' is not ${what}`);
  return n;
}

function parseFlagDuration(flag: string, value: string | number): number {
  try {
    return parseDuration(value, flag);
  } catch {
    throw invalidArgument(`--${flag}: '${value}' is not a duration (e.g. 30s, 500ms, 2m)`);
  }
}

/** Flags win over the environment (LOOPLAB_URL, LOOPLAB_QUEUES, LOOPLAB_GPUS, LOOPLAB_NVIDIA_SMI…). */
export function resolveAgentSettings(flags: AgentFlags, env: NodeJS.ProcessEnv): AgentSettings {
  const fromEnv = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name]);
  const url = flags.url ?? fromEnv("LOOPLAB_URL") ?? "http://127.0.0.1:7373";
  try {
    new URL(url);
  } catch {
    throw invalidArgument(`--url: '${url}' is not a URL`);
  }
  const queues =
    flags.queues && flags.queues.length > 0
      ? flags.queues
      : (fromEnv("LOOPLAB_QUEUES")
          ?.split(",")
          .map((q) => q.trim())
          .filter(Boolean) ?? ["default"]);
  for (const queue of queues) {
    if (!queueNameSchema.safeParse(queue).success) throw invalidArgument(`--queue: '${queue}' is not a queue name`);
  }
  const cpus = flags.cpus ?? fromEnv("LOOPLAB_CPUS");
  const onStop = flags.onStop ?? fromEnv("LOOPLAB_AGENT_ON_STOP") ?? "drain";
  if (!(stopModes as readonly string[]).includes(onStop)) {
    throw invalidArgument(`--on-stop: '${onStop}' is not one of ${stopModes.join(", ")}`);
  }
  const threshold = flags.gpuBusyThreshold ?? fromEnv("LOOPLAB_GPU_BUSY_THRESHOLD");
  const systemInterval = flags.systemInterval ?? fromEnv("LOOPLAB_SYSTEM_INTERVAL");
  const grace = flags.grace ?? fromEnv("LOOPLAB_AGENT_GRACE");
  return {
    url,
    queues,
    gpus: parseGpuSelection(flags.gpus ?? fromEnv("LOOPLAB_GPUS") ?? "auto"),
    cpus:
      cpus === undefined
        ? undefined
        : parseNumber("cpus", cpus, (n) => Number.isInteger(n) && n >= 0 && n <= 4096, "a number of CPU slots"),
    name: flags.name ?? fromEnv("LOOPLAB_AGENT_NAME") ?? hostname(),
    graceMs: grace === undefined ? 30_000 : parseFlagDuration("grace", grace),
    onStop: onStop as StopMode,
    nvidiaSmiPath: flags.nvidiaSmi ?? fromEnv("LOOPLAB_NVIDIA_SMI") ?? "nvidia-smi",
    gpuBusyThreshold:
      threshold === undefined
        ? 0.5
        : parseNumber("gpu-busy-threshold", threshold, (n) => n > 0 && n <= 1, "a fraction in (0, 1]"),
    systemIntervalMs: systemInterval === undefined ? 10_000 : parseFlagDuration("system-interval", systemInterval),
  };
}
