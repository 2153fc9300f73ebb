import { createWriteStream } from "node:fs";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { type Run, runIdSchema } from "@looplab/core";
import { type Command, InvalidArgumentError, Option } from "commander";
import { exitCodes } from "../exit-codes.js";
import { type CliContext, CliError, withQueryCaret } from "./api-client.js";
import { renderTable, shortId, writeJson, writeMessage, writeOut } from "./output.js";
import { defaultColumns, parseColumns, type RunColumn } from "./run-columns.js";
import { renderRunDetails } from "./run-details.js";

/** `looplab runs ls|show|export|delete|restore`. */

const PAGE_LIMIT = 1000;

export function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive whole number");
  return n;
}

function parseRunId(text: string): string {
  if (!runIdSchema.safeParse(text).success) {
    throw new InvalidArgumentError("a run id is 32 lowercase hex characters (see `looplab runs ls`)");
  }
  return text;
}

interface ListOptions {
  project?: string;
  filter: string;
  sort: string;
  limit: number;
  columns?: string;
  all?: boolean;
  deleted?: boolean;
  json?: boolean;
}

async function listRuns(ctx: CliContext, command: Command, opts: ListOptions): Promise<void> {
  const project = opts.project ?? ctx.io.env.LOOPLAB_PROJECT;
  if (!project) throw new CliError("runs ls: --project is required (or set LOOPLAB_PROJECT)", exitCodes.usage);
  let explicit: RunColumn[] | undefined;
  if (opts.columns !== undefined) {
    try {
      explicit = parseColumns(opts.columns);
    } catch (error) {
      throw withQueryCaret(error, { sort: opts.columns }, "columns");
    }
  }
  const client = ctx.client(command);
  const wanted = opts.all ? Number.POSITIVE_INFINITY : opts.limit;
  const runs: Run[] = [];
  let total: number | null = null;
  let pageToken: string | undefined;
  let more = false;
  try {
    do {
      const page = await client.searchRuns({
        project,
        filter: opts.filter,
        sort: opts.sort,
        limit: Math.min(PAGE_LIMIT, wanted - runs.length),
        includeDeleted: opts.deleted ?? false,
        withTotal: pageToken === undefined,
        ...(pageToken ? { pageToken } : {}),
      });
      if (pageToken === undefined) total = page.total;
      runs.push(...page.runs);
      pageToken = page.nextPageToken ?? undefined;
      more = pageToken !== undefined;
    } while (more && runs.length < wanted);
  } catch (error) {
    throw withQueryCaret(error, { filter: opts.filter, sort: opts.sort });
  }

  const now = ctx.io.now();
  if (opts.json) {
    if (!explicit) await writeJson(ctx.io, runs);
    else
      await writeJson(
        ctx.io,
        runs.map((run) => Object.fromEntries(explicit.map((c) => [c.label, c.value(run, now)]))),
      );
    return;
  }
  const { columns, hiddenMetrics } = explicit ? { columns: explicit, hiddenMetrics: 0 } : defaultColumns(runs);
  if (runs.length === 0) {
    writeMessage(ctx.io, `no runs in project '${project}'${opts.filter ? " match the filter" : ""}`);
    return;
  }
  const rows = runs.map((run) => columns.map((c) => c.cell(run, now)));
  await writeOut(
    ctx.io,
    renderTable(
      columns.map((c) => c.label),
      rows,
      columns.map((c) => c.align),
    ),
  );
  if (hiddenMetrics > 0) {
    writeMessage(
      ctx.io,
      `${hiddenMetrics} more metric${hiddenMetrics === 1 ? "" : "s"} not shown; pick columns with --columns`,
    );
  }
  if (more) {
    const of = total === null ? "" : ` of ${total}`;
    writeMessage(ctx.io, `showing ${runs.length}${of} runs; --limit N or --all for more`);
  }
}

async function showRun(ctx: CliContext, command: Command, runId: string, opts: { json?: boolean }): Promise<void> {
  const client = ctx.client(command);
  const run = await client.getRun(runId);
  const history = await client.call("configHistory", { params: { runId } });
  if (opts.json) await writeJson(ctx.io, { ...run, configHistory: history.changes });
  else await writeOut(ctx.io, renderRunDetails(run, history.changes, ctx.io.now()));
}

async function exportRun(
  ctx: CliContext,
  command: Command,
  runId: string,
  opts: { format: "csv" | "json"; output?: string; keys?: string },
): Promise<void> {
  const client = ctx.client(command);
  const response = await client.call("exportRunMetrics", {
    params: { runId },
    query: { format: opts.format, ...(opts.keys ? { keys: opts.keys } : {}) },
    timeoutMs: 0,
  });
  if (!response.body) throw new CliError("the server sent an empty export", exitCodes.failure);
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  if (opts.output) {
    await pipeline(body, createWriteStream(opts.output));
    writeMessage(ctx.io, `wrote the points of run ${shortId(runId)} to ${opts.output}`);
  } else {
    // stdout stays open after the copy: the CLI may still write to it.
    const out = new Writable({
      write: (chunk, _encoding, done) => {
        writeOut(ctx.io, chunk as Uint8Array).then(() => done(), done);
      },
    });
    await pipeline(body, out);
  }
}

async function deleteRun(ctx: CliContext, command: Command, runId: string, opts: { purge?: boolean; json?: boolean }) {
  const client = ctx.client(command);
  await client.call("deleteRun", { params: { runId }, query: { purge: opts.purge ?? false } });
  if (opts.json) await writeJson(ctx.io, { id: runId, deleted: true, purged: opts.purge ?? false });
  if (opts.purge) writeMessage(ctx.io, `purged run ${runId} and its metrics for good`);
  else writeMessage(ctx.io, `deleted run ${runId} (undo with \`looplab runs restore ${runId}\`)`);
}

async function restoreRun(ctx: CliContext, command: Command, runId: string, opts: { json?: boolean }) {
  const run = await ctx.client(command).call("restoreRun", { params: { runId } });
  if (opts.json) await writeJson(ctx.io, run);
  writeMessage(ctx.io, `restored run ${run.id} (${run.name})`);
}

export function registerRunsCommand(program: Command, ctx: CliContext): void {
  const runs = program.command("runs").description("list, inspect, export, delete and restore runs");

  runs
    .command("ls")
    .description("list a project's runs as a table (or JSON)")
    .option("-p, --project <name>", "the project (default $LOOPLAB_PROJECT)")
    .option("-f, --filter <expr>", "filter, e.g. 'config.lr < 0.01 and tags has \"baseline\"'", "")
    .option("-s, --sort <keys>", "sort keys, `-` for descending, e.g. -metrics.val/acc.max,name", "-createdAt")
    .option("-n, --limit <n>", "show at most N runs", parsePositiveInt, 50)
    .option("--all", "show every matching run (no limit)")
    .option("-c, --columns <fields>", "columns, e.g. name,status,config.lr,metrics.val/acc.max,tags.team")
    .option("--deleted", "include soft-deleted runs")
    .option("--json", "print JSON (full runs, or one object per run with --columns)")
    .action((opts: ListOptions, command: Command) => listRuns(ctx, command, opts));

  runs
    .command("show")
    .description("show one run: overview, tags, notes, config, config history and metric summaries")
    .argument("<id>", "run id", parseRunId)
    .option("--json", "print the run and its config history as JSON")
    .action((id: string, opts: { json?: boolean }, command: Command) => showRun(ctx, command, id, opts));

  runs
    .command("export")
    .description("write every exact point of a run (key,step,value,time) as CSV or JSON lines")
    .argument("<id>", "run id", parseRunId)
    .addOption(new Option("--format <format>", "csv or json (JSON lines)").choices(["csv", "json"]).default("csv"))
    .option("-o, --output <file>", "write to this file instead of stdout")
    .option("--keys <keys>", "only these metric keys (comma-separated)")
    .action((id: string, opts: { format: "csv" | "json"; output?: string; keys?: string }, command: Command) =>
      exportRun(ctx, command, id, opts),
    );

  runs
    .command("delete")
    .description("soft-delete a run (restorable); --purge deletes it and its metrics for good")
    .argument("<id>", "run id", parseRunId)
    .option("--purge", "delete for good (cannot be undone)")
    .option("--json", "print the outcome as JSON")
    .action((id: string, opts: { purge?: boolean; json?: boolean }, command: Command) =>
      deleteRun(ctx, command, id, opts),
    );

  runs
    .command("restore")
    .description("restore a soft-deleted run")
    .argument("<id>", "run id", parseRunId)
    .option("--json", "print the restored run as JSON")
    .action((id: string, opts: { json?: boolean }, command: Command) => restoreRun(ctx, command, id, opts));
}
