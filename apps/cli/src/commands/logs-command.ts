import { type LogLine, type LogStream, logStreamSchema } from "@looplab/core";
import type { LooplabClient } from "@looplab/sdk";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CliContext } from "./api-client.js";
import { parseRunId } from "./artifacts-transfer.js";
import { type CliIo, writeOut } from "./output.js";

/**
 * `looplab logs RUN [--follow] [--tail N] [--stream stdout|stderr] [--json]` (docs/logs.md):
 * a run's console log on stdout — every line from the start, or the last N — and with
 * `--follow` new lines as they arrive, until the run ends.
 */

const PAGE = 5_000;
/** Runs in these states may still write lines. */
const activeStatuses = new Set(["running", "queued"]);

interface LogsOptions {
  follow?: boolean;
  tail?: number;
  stream?: LogStream;
  json?: boolean;
}

function parseTail(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError("a number from 1 to 10000");
  return n;
}

async function print(io: CliIo, lines: LogLine[], json: boolean): Promise<void> {
  if (lines.length === 0) return;
  const text = json ? lines.map((l) => JSON.stringify(l)).join("\n") : lines.map((l) => l.text).join("\n");
  await writeOut(io, `${text}\n`);
}

/** Prints every line after `after` (page by page); returns the cursor after the last. */
async function printAfter(
  client: LooplabClient,
  io: CliIo,
  runId: string,
  after: number,
  opts: LogsOptions,
): Promise<number> {
  let cursor = after;
  for (;;) {
    const query = { after: cursor, limit: PAGE, ...(opts.stream ? { stream: opts.stream } : {}) };
    const page = await client.call("readLogs", { params: { runId }, query });
    await print(io, page.lines, opts.json ?? false);
    cursor = page.nextAfter;
    if (!page.hasMore) return cursor;
  }
}

async function showLogs(ctx: CliContext, command: Command, runId: string, opts: LogsOptions): Promise<void> {
  const client = ctx.client(command);
  const io = ctx.io;
  let cursor = 0;
  if (opts.tail !== undefined) {
    const query = { tail: opts.tail, ...(opts.stream ? { stream: opts.stream } : {}) };
    const page = await client.call("readLogs", { params: { runId }, query });
    await print(io, page.lines, opts.json ?? false);
    cursor = page.nextAfter;
  } else {
    cursor = await printAfter(client, io, runId, 0, opts);
  }
  if (!opts.follow) return;
  const pollMs = Math.max(50, Number(io.env.LOOPLAB_LOGS_POLL_MS ?? "1000") || 1000);
  for (;;) {
    const run = await client.getRun(runId);
    // Lines written before the run ended are read after it ended: none is missed.
    cursor = await printAfter(client, io, runId, cursor, opts);
    if (!activeStatuses.has(run.status)) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export function registerLogsCommand(program: Command, ctx: CliContext): void {
  program
    .command("logs")
    .description("a run's console log (stdout/stderr lines); --follow prints new lines until the run ends")
    .argument("<run>", "run id", parseRunId)
    .option("-f, --follow", "keep printing new lines until the run ends")
    .option("-n, --tail <n>", "only the last N lines (1–10000)", parseTail)
    .addOption(new Option("--stream <stream>", "only one stream").choices(logStreamSchema.options))
    .option("--json", "one JSON object per line: seq, stream, text, time")
    .action(async (runId: string, opts: LogsOptions, command: Command) => showLogs(ctx, command, runId, opts));
}
