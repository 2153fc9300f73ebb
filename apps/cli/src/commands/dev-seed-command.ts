import type { Command } from "commander";
import { exitCodes } from "../exit-codes.js";
import { type CliContext, CliError } from "./api-client.js";
import { keepLogging, seedProject } from "./dev-seed.js";
import { writeJson, writeMessage, writeOut } from "./output.js";

/** `looplab dev seed`: realistic demo data for tests, demos and benchmarks (docs/cli.md). */

interface SeedFlags {
  project: string;
  runs: string;
  steps: string;
  running: string;
  seed: string;
  concurrency: string;
  live?: boolean;
  json?: boolean;
}

function count(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new CliError(`--${flag}: expected an integer ≥ ${min}, got '${text}'`, exitCodes.usage);
  }
  return value;
}

async function runSeed(ctx: CliContext, command: Command, flags: SeedFlags): Promise<void> {
  const client = ctx.client(command);
  const options = {
    project: flags.project,
    runs: count("runs", flags.runs, 1),
    steps: count("steps", flags.steps, 1),
    running: count("running", flags.running, 0),
    seed: count("seed", flags.seed, 0),
    concurrency: count("concurrency", flags.concurrency, 1),
  };
  if (options.running > options.runs) throw new CliError("--running: more than --runs", exitCodes.usage);
  let shown = 0;
  const summary = await seedProject(client, {
    ...options,
    onProgress: (done, total) => {
      const percent = Math.floor((100 * done) / total);
      if (percent >= shown + 10 || done === total) {
        shown = percent;
        writeMessage(ctx.io, `seeded ${done}/${total} runs`);
      }
    },
  });
  if (flags.json) await writeJson(ctx.io, summary);
  else {
    await writeOut(
      ctx.io,
      `seeded ${summary.runs} runs (${summary.running} running) with ${summary.points} points into '${summary.project}' in ${summary.seconds} s\n`,
    );
  }
  if (flags.live && options.running > 0) {
    writeMessage(ctx.io, `logging to ${options.running} running runs; Ctrl-C to stop`);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      await keepLogging(client, { ...options, tickMs: 1_000, stepsPerTick: 5, signal: controller.signal });
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  }
}

export function registerDevSeedCommand(program: Command, ctx: CliContext): void {
  const dev = program.commands.find((c) => c.name() === "dev") ?? program.command("dev").description("developer tools");
  dev
    .command("seed")
    .description("create realistic demo runs (configs, groups, tags, noisy metrics with spikes, running runs)")
    .requiredOption("--project <name>", "project to fill (created when missing)")
    .option("--runs <n>", "number of runs", "20")
    .option("--steps <n>", "steps per run", "1000")
    .option("--running <k>", "runs left running (the last K)", "2")
    .option("--seed <s>", "random seed: the same seed gives the same runs", "1")
    .option("--concurrency <n>", "runs seeded in parallel", "8")
    .option("--live", "keep logging to the running runs until Ctrl-C")
    .option("--json", "print the summary as JSON")
    .action((flags: SeedFlags, command: Command) => runSeed(ctx, command, flags));
}
