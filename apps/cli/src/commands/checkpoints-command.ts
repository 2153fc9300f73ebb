import { formatBytes } from "@looplab/sdk";
import type { Command } from "commander";
import type { CliContext } from "./api-client.js";
import { parseRunId } from "./artifacts-transfer.js";
import { formatNumber, formatTime, renderTable, writeJson, writeOut } from "./output.js";

/** `looplab checkpoints ls RUN`: a run's checkpoints by step with metrics and retention state. */

async function listCheckpoints(
  ctx: CliContext,
  command: Command,
  runId: string,
  opts: { json?: boolean; collected?: boolean },
): Promise<void> {
  const client = ctx.client(command);
  const list = await client.call("listCheckpoints", {
    params: { runId },
    query: { includeCollected: opts.collected ?? true },
  });
  if (opts.json) {
    await writeJson(ctx.io, list);
    return;
  }
  if (list.checkpoints.length === 0) {
    ctx.io.stderr.write(`run ${runId} has no checkpoints\n`);
    return;
  }
  const keys = [...new Set(list.checkpoints.flatMap((c) => Object.keys(c.metrics ?? {})))].sort().slice(0, 6);
  const rows = list.checkpoints.map((c) => [
    String(c.step),
    c.path,
    String(c.files.length),
    formatBytes(c.size),
    c.state,
    c.retainedBy.join(","),
    formatTime(c.createdAt),
    ...keys.map((k) => formatNumber(c.metrics?.[k])),
  ]);
  await writeOut(
    ctx.io,
    renderTable(["step", "path", "files", "size", "state", "kept as", "created", ...keys], rows, [
      "right",
      "left",
      "right",
      "right",
    ]),
  );
  const p = list.policy;
  if (p) {
    const best = p.keepBest > 0 && p.metric ? `, best ${p.keepBest} by ${p.metric} (${p.direction})` : "";
    ctx.io.stderr.write(`retention (${p.scope}): keep last ${p.keepLast}${best}\n`);
  }
}

export function registerCheckpointsCommand(program: Command, ctx: CliContext): void {
  const checkpoints = program.command("checkpoints").description("a run's checkpoints");
  checkpoints
    .command("ls")
    .description("checkpoints by step with size, metrics and retention state")
    .argument("<run>", "run id", parseRunId)
    .option("--no-collected", "hide checkpoints collected by retention")
    .option("--json", "print JSON")
    .action((run: string, opts: { json?: boolean; collected?: boolean }, command: Command) =>
      listCheckpoints(ctx, command, run, opts),
    );
}
