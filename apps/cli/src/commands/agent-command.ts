import type { Command } from "commander";
import { serverUrl } from "./api-client.js";
import type { CliIo } from "./output.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerAgentCommand(program: Command, io: CliIo): void {
  program
    .command("agent")
    .description("run queued jobs on this machine: one per GPU (or CPU slot) until stopped (docs/agent.md)")
    .option("--queue <name>", "queue to take jobs from (repeatable; default $LOOPLAB_QUEUES or 'default')", collect)
    .option("--gpus <which>", "GPUs offered: auto (all), N (the first N) or a list such as 0,2 (default auto)")
    .option("--cpus <n>", "CPU slots for jobs that need no GPU (default: the cores without GPUs, else 0)")
    .option("--name <name>", "agent name shown in the queue page (default the host name)")
    .option("--grace <duration>", "time between SIGTERM and SIGKILL when a job is stopped (default 30s)")
    .option("--on-stop <mode>", "on SIGTERM: drain (let running jobs finish) or handback (stop and re-queue them)")
    .option("--nvidia-smi <path>", "nvidia-smi binary (default $LOOPLAB_NVIDIA_SMI or nvidia-smi on PATH)")
    .option("--gpu-busy-threshold <fraction>", "skip a GPU whose memory is more than this used by others (default 0.5)")
    .option("--system-interval <duration>", "how often jobs' CPU, memory and GPU use is logged (default 10s)")
    .option("--log-level <level>", "fatal|error|warn|info|debug|trace|silent (default info)")
    .action(async (opts: Record<string, string | string[] | undefined>, command: Command) => {
      const { createAgentLogger, resolveAgentSettings, startAgent } = await import("@looplab/agent");
      const settings = resolveAgentSettings(
        {
          url: serverUrl(command, io),
          queues: opts.queue as string[] | undefined,
          gpus: opts.gpus as string | undefined,
          cpus: opts.cpus as string | undefined,
          name: opts.name as string | undefined,
          grace: opts.grace as string | undefined,
          onStop: opts.onStop as string | undefined,
          nvidiaSmi: opts.nvidiaSmi as string | undefined,
          gpuBusyThreshold: opts.gpuBusyThreshold as string | undefined,
          systemInterval: opts.systemInterval as string | undefined,
        },
        io.env,
      );
      const logger = createAgentLogger((opts.logLevel as string | undefined) ?? io.env.LOOPLAB_LOG_LEVEL ?? "info");
      const agent = startAgent({ ...settings, logger });
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        // First signal: the configured mode; a second one: stop the jobs and hand them back.
        const mode = signals === 1 ? settings.onStop : "handback";
        logger.info({ signal, mode }, "signal received");
        void agent.stop(mode);
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
      try {
        await agent.done;
      } finally {
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
      }
    });
}
