import { decodeFloat, type Run, type WireFloat } from "@looplab/core";
import { formatDuration, formatNumber, formatTime, renderTable } from "./output.js";
import { runDuration } from "./run-columns.js";

/** The human view of `looplab runs show`: overview, tags, notes, config tree, metric summaries. */

export interface ConfigChangeView {
  at: number;
  actor: string;
  changes: { path: string; before: unknown; after: unknown }[];
}

function section(title: string, body: string): string {
  return `\n${title}\n${body.endsWith("\n") ? body : `${body}\n`}`;
}

function overview(run: Run, now: number): string {
  const rows: [string, string][] = [
    ["id", run.id],
    ["name", run.name],
    ["project", run.project],
    ["status", run.status],
    ["origin", run.origin],
  ];
  if (run.group !== null) rows.push(["group", run.group]);
  rows.push(["created", formatTime(run.createdAt)]);
  if (run.startedAt !== null) rows.push(["started", formatTime(run.startedAt)]);
  if (run.endedAt !== null) rows.push(["ended", formatTime(run.endedAt)]);
  const duration = formatDuration(runDuration(run, now));
  if (duration) rows.push(["duration", duration]);
  if (run.heartbeatAt !== null) rows.push(["heartbeat", formatTime(run.heartbeatAt)]);
  if (run.host) rows.push(["host", run.host]);
  if (run.command) rows.push(["command", run.command]);
  if (run.git) {
    const where = [run.git.branch, run.git.dirty ? "dirty" : null].filter(Boolean).join(", ");
    rows.push(["git", `${run.git.commit ?? "(no commit)"}${where ? ` (${where})` : ""}`]);
    if (run.git.remote) rows.push(["remote", run.git.remote]);
  }
  if (run.parentRunId) rows.push(["parent", run.parentRunId]);
  if (run.resumedFrom) rows.push(["resumed from", run.resumedFrom]);
  if (run.deletedAt !== null)
    rows.push(["deleted", `${formatTime(run.deletedAt)} (restore with \`looplab runs restore\`)`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

function scalar(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "(absent)";
  return JSON.stringify(value) ?? String(value);
}

/** Nested config as an indented tree: objects open a level, everything else is `key: value`. */
export function configTree(config: Record<string, unknown>, indent = "  "): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
      lines.push(`${indent}${key}:`);
      lines.push(configTree(value as Record<string, unknown>, `${indent}  `));
    } else {
      lines.push(`${indent}${key}: ${scalar(value)}`);
    }
  }
  return lines.join("\n");
}

function tagLines(tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort();
  return keys.map((k) => (tags[k] === "" ? `  ${k}` : `  ${k} = ${tags[k]}`)).join("\n");
}

function historyLines(history: ConfigChangeView[]): string {
  return history
    .flatMap((entry) =>
      entry.changes.map(
        (c) => `  ${formatTime(entry.at)}  ${entry.actor}  ${c.path}: ${scalar(c.before)} → ${scalar(c.after)}`,
      ),
    )
    .join("\n");
}

const num = (v: WireFloat | number | null | undefined) =>
  v === null || v === undefined ? "" : formatNumber(decodeFloat(v));

function metricTable(run: Run): string {
  const keys = Object.keys(run.metrics).sort();
  const rows = keys.map((key) => {
    const m = run.metrics[key];
    if (!m) return [key];
    return [
      key,
      num(m.last),
      num(m.lastStep),
      num(m.min),
      num(m.max),
      num(m.mean),
      num(m.best),
      String(m.count),
      String(m.nanCount),
    ];
  });
  const head = ["key", "last", "step", "min", "max", "mean", "best", "count", "nan"];
  return renderTable(head, rows, ["left", "right", "right", "right", "right", "right", "right", "right", "right"]);
}

export function renderRunDetails(run: Run, history: ConfigChangeView[], now: number): string {
  let text = `${overview(run, now)}\n`;
  if (Object.keys(run.tags).length > 0) text += section("tags", tagLines(run.tags));
  if (run.notes) text += section("notes", run.notes.replace(/^/gm, "  "));
  text += section("config", Object.keys(run.config).length > 0 ? configTree(run.config) : "  (empty)");
  if (history.length > 0) {
    const count = history.reduce((n, h) => n + h.changes.length, 0);
    text += section(`config history (${count} change${count === 1 ? "" : "s"})`, historyLines(history));
  }
  text += section("metrics", Object.keys(run.metrics).length > 0 ? metricTable(run) : "  (none)");
  return text;
}
