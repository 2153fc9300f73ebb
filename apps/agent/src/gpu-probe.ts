/**
 * Reads the machine's GPUs with `nvidia-smi` (DESIGN.md §7). No nvidia-smi on the machine means
 * no GPUs; a failing nvidia-smi (broken driver, timeout, unreadable output) is logged and also
 * means no GPUs, so an agent still offers its CPU slots.
 */
import { execFile } from "node:child_process";
import { type Gpu, NVIDIA_SMI_QUERY_ARGS, parseNvidiaSmiCsv } from "@looplab/core";
import type { Logger } from "pino";

export interface GpuProbeOptions {
  /** The nvidia-smi binary (a name looked up on PATH, or a path). Default "nvidia-smi". */
  nvidiaSmiPath?: string;
  /** Longest wait for nvidia-smi, ms (default 10 000). */
  timeoutMs?: number;
  logger: Logger;
  /** Environment for nvidia-smi (default the agent's). */
  env?: NodeJS.ProcessEnv;
}

export interface GpuProbe {
  /** Current readings of every GPU, sorted by index; [] when there are none or nvidia-smi fails. */
  probe(): Promise<Gpu[]>;
}

interface ExecOutcome {
  error: (Error & { code?: unknown; signal?: unknown; killed?: boolean }) | null;
  stdout: string;
  stderr: string;
}

function run(file: string, timeoutMs: number, env: NodeJS.ProcessEnv | undefined): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...NVIDIA_SMI_QUERY_ARGS],
      { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 4 << 20, encoding: "utf8", env: env ?? process.env },
      (error, stdout, stderr) => resolve({ error, stdout, stderr }),
    );
  });
}

export function createGpuProbe(options: GpuProbeOptions): GpuProbe {
  const file = options.nvidiaSmiPath ?? "nvidia-smi";
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { logger } = options;
  let reportedMissing = false;
  return {
    async probe() {
      const { error, stdout, stderr } = await run(file, timeoutMs, options.env);
      if (error) {
        if (error.code === "ENOENT") {
          if (!reportedMissing) logger.info({ nvidiaSmi: file }, "nvidia-smi not found: no GPUs");
          reportedMissing = true;
          return [];
        }
        const reason = error.killed
          ? `timed out after ${timeoutMs} ms`
          : typeof error.code === "number"
            ? `exit code ${error.code}`
            : String(error.code ?? error.signal ?? error.message);
        logger.error(
          { nvidiaSmi: file, reason, stderr: stderr.trim().slice(0, 2000), stdout: stdout.trim().slice(0, 2000) },
          "nvidia-smi failed: no GPUs offered",
        );
        return [];
      }
      try {
        return parseNvidiaSmiCsv(stdout);
      } catch (parseError) {
        logger.error(
          { nvidiaSmi: file, err: parseError, stdout: stdout.slice(0, 2000) },
          "nvidia-smi output not understood: no GPUs offered",
        );
        return [];
      }
    },
  };
}
