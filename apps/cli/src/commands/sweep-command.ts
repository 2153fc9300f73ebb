import { readFile } from "node:fs/promises";
import type { Sweep } from "@looplab/core";
import type { Command } from "commander";
import { exitCodes } from "../exit-codes.js";
import { type CliContext, CliError } from "./api-client.js";
import {
  formatNumber,
  formatTime,
  oneLine,
  renderTable,
  shortId,
  writeJson,
  writeMessage,
  writeOut,
} from "./output.js";

/** `looplab sweep create | show | ls | cancel` (docs/sweeps.md). */

const TOP_TRIALS = 10;

function progressLine(s: Sweep): string {
  const active = s.counts.queued + s.counts.running;
  const ended = s.trials - active;
  const parts = [`${ended}/${s.spec.budget.runs} trials done`, `${active} active`];
  for (const status of ["failed", "pruned", "killed", "crashed"] as const) {
    if (s.counts[status] > 0) parts.push(`${s.counts[status]} ${status}`);
  }
  return parts.join(", ");
}

const formatParams = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === "number" ? formatNumber(v) : JSON.stringify(v)}`)
    .join(" ");

async function createSweep(ctx: CliContext, command: Command, file: string, opts: { json?: boolean }) {
  let yaml: string;
  try {
    yaml = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, exitCodes.usage);
  }
  const sweep = await ctx.client(command).call("createSweep", { body: { yaml } });
  if (opts.json) return writeJson(ctx.io, sweep);
  writeMessage(ctx.io, `sweep ${sweep.name} started: ${sweep.trials} trial(s) queued`);
  await writeOut(ctx.io, `${sweep.id}\n`);
}

async function showSweep(ctx: CliContext, command: Command, id: string, opts: { json?: boolean }) {
  const client = ctx.client(command);
  const sweep = await client.call("getSweep", { params: { sweepId: id } });
  const trials: Awaited<ReturnType<typeof listTrials>> = await listTrials(ctx, command, id);
  if (opts.json) return writeJson(ctx.io, { sweep, trials });
  const goal = sweep.spec.objective.goal;
  const lines = [
    `sweep     ${sweep.name} (${sweep.id})`,
    `project   ${sweep.project}`,
    `method    ${sweep.spec.method}, objective ${sweep.spec.objective.metric} (${goal})`,
    `state     ${sweep.state}${sweep.reason ? ` — ${sweep.reason}` : ""}`,
    `progress  ${progressLine(sweep)}`,
    `created   ${formatTime(sweep.createdAt)}${sweep.endedAt ? `, ended ${formatTime(sweep.endedAt)}` : ""}`,
    sweep.best
      ? `best      #${sweep.best.number} ${sweep.spec.objective.metric}=${formatNumber(sweep.best.value)} ${formatParams(sweep.best.params)} (run ${sweep.best.runId})`
      : "best      none yet",
  ];
  await writeOut(ctx.io, `${lines.join("\n")}\n`);
  const scored = trials.filter((t) => typeof t.value === "number" && Number.isFinite(t.value));
  scored.sort((a, b) =>
    goal === "max" ? (b.value as number) - (a.value as number) : (a.value as number) - (b.value as number),
  );
  if (scored.length === 0) return;
  const rows = scored
    .slice(0, TOP_TRIALS)
    .map((t) => [
      String(t.number),
      t.status,
      formatNumber(t.value),
      formatNumber(t.step),
      oneLine(formatParams(t.params), 70),
      shortId(t.runId),
    ]);
  await writeOut(
    ctx.io,
    `\ntop trials\n${renderTable(["#", "status", "value", "step", "params", "run"], rows, ["right", "left", "right", "right"])}`,
  );
}

async function listTrials(ctx: CliContext, command: Command, id: string) {
  const client = ctx.client(command);
  const trials = [];
  let pageToken: string | undefined;
  do {
    const page = await client.call("listSweepTrials", {
      params: { sweepId: id },
      query: { limit: 1000, ...(pageToken ? { pageToken } : {}) },
    });
    trials.push(...page.trials);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return trials;
}

async function listSweeps(ctx: CliContext, command: Command, opts: { project?: string; json?: boolean }) {
  const client = ctx.client(command);
  const sweeps: Sweep[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.call("listSweeps", {
      query: { limit: 1000, ...(opts.project ? { project: opts.project } : {}), ...(pageToken ? { pageToken } : {}) },
    });
    sweeps.push(...page.sweeps);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  if (opts.json) return writeJson(ctx.io, sweeps);
  if (sweeps.length === 0) {
    writeMessage(ctx.io, "no sweeps yet: `looplab sweep create sweep.yaml` starts one");
    return;
  }
  const rows = sweeps.map((s) => [
    s.id,
    s.name,
    s.project,
    s.spec.method,
    s.state,
    `${s.trials}/${s.spec.budget.runs}`,
    s.best ? formatNumber(s.best.value) : "",
    formatTime(s.createdAt),
  ]);
  await writeOut(ctx.io, renderTable(["id", "name", "project", "method", "state", "trials", "best", "created"], rows));
}

async function cancelSweep(ctx: CliContext, command: Command, id: string, opts: { json?: boolean }) {
  const sweep = await ctx.client(command).call("cancelSweep", { params: { sweepId: id } });
  if (opts.json) return writeJson(ctx.io, sweep);
  writeMessage(ctx.io, `sweep ${sweep.name} cancelled (${progressLine(sweep)})`);
}

export function registerSweepCommand(program: Command, ctx: CliContext): void {
  const sweep = program.command("sweep").description("hyperparameter sweeps run by the server's controller");
  sweep
    .command("create")
    .argument("<file>", "the sweep file (YAML)")
    .description("start a sweep from a sweep.yaml; prints its id")
    .option("--json", "print the sweep as JSON")
    .action((file: string, opts: { json?: boolean }, command: Command) => createSweep(ctx, command, file, opts));
  sweep
    .command("show")
    .argument("<id>", "sweep id")
    .description("progress, best trial so far and the top trials")
    .option("--json", "print the sweep and its trials as JSON")
    .action((id: string, opts: { json?: boolean }, command: Command) => showSweep(ctx, command, id, opts));
  sweep
    .command("ls")
    .description("list sweeps, newest first")
    .option("--project <name>", "only this project's sweeps")
    .option("--json", "print JSON")
    .action((opts: { project?: string; json?: boolean }, command: Command) => listSweeps(ctx, command, opts));
  sweep
    .command("cancel")
    .argument("<id>", "sweep id")
    .description("stop proposing trials and cancel the queued and running ones")
    .option("--json", "print the sweep as JSON")
    .action((id: string, opts: { json?: boolean }, command: Command) => cancelSweep(ctx, command, id, opts));
}
