import {
  decodeFloat,
  type FieldRef,
  formatField,
  type MetricSummary,
  parseSort,
  type Run,
  type WireFloat,
} from "@looplab/core";
import { formatDuration, formatNumber, formatTime, oneLine, shortId } from "./output.js";

/**
 * Columns of `looplab runs ls`. `--columns` uses the field syntax of the filter language
 * (`name,status,config.lr,metrics.val/acc.max,tags.team`), parsed by the same parser, so keys
 * with dots are quoted with backticks exactly as in a filter.
 */
export interface RunColumn {
  /** Header in the table and key in `--json` rows. */
  label: string;
  align: "left" | "right";
  /** The value for JSON output: numbers stay numbers (NaN/±Infinity as strings), absent is null. */
  value(run: Run, now: number): unknown;
  /** The cell text for the table. */
  cell(run: Run, now: number): string;
}

/** Most metric columns the default table shows; `--columns` shows any. */
export const MAX_DEFAULT_METRIC_COLUMNS = 6;

export function runDuration(run: Run, now: number): number | null {
  if (run.startedAt === null) return null;
  const end = run.endedAt ?? (run.status === "running" ? now : run.heartbeatAt);
  return end === null ? null : end - run.startedAt;
}

function configValue(config: Record<string, unknown>, segments: string[]): unknown {
  let node: unknown = config;
  for (const part of segments) {
    if (typeof node !== "object" || node === null || Array.isArray(node) || !(part in node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function metricValue(summary: MetricSummary | undefined, aggregate: string): WireFloat | number | null {
  if (!summary) return null;
  switch (aggregate) {
    case "min":
      return summary.min;
    case "max":
      return summary.max;
    case "mean":
      return summary.mean;
    case "count":
      return summary.count;
    case "best":
      return summary.best ?? summary.last;
    default:
      return summary.last;
  }
}

const metricCell = (v: WireFloat | number | null) => (v === null ? "" : formatNumber(decodeFloat(v)));

function attributeColumn(name: string, label: string): RunColumn {
  const text = (run: Run, now: number): string => {
    switch (name) {
      case "id":
        return run.id;
      case "duration":
        return formatDuration(runDuration(run, now));
      case "createdAt":
      case "startedAt":
      case "endedAt":
      case "updatedAt":
        return formatTime(run[name]);
      case "notes":
        return oneLine(run.notes, 40);
      default:
        return String(run[name as "name" | "status" | "group" | "host"] ?? "");
    }
  };
  return {
    label,
    align: name === "duration" ? "right" : "left",
    value: (run, now) => (name === "duration" ? runDuration(run, now) : (run[name as keyof Run] ?? null)),
    cell: text,
  };
}

function fieldColumn(field: FieldRef): RunColumn {
  const label = formatField(field);
  switch (field.kind) {
    case "attribute":
      return attributeColumn(field.name, label);
    case "config":
      return {
        label,
        align: "left",
        value: (run) => configValue(run.config, field.segments) ?? null,
        cell(run) {
          const v = configValue(run.config, field.segments);
          if (v === undefined || v === null) return "";
          return typeof v === "object" ? oneLine(JSON.stringify(v), 40) : String(v);
        },
      };
    case "tag":
      return {
        label,
        align: "left",
        value: (run) => run.tags[field.key] ?? null,
        cell(run) {
          const v = run.tags[field.key];
          return v === undefined ? "" : v === "" ? "yes" : oneLine(v, 40);
        },
      };
    case "metric":
      return {
        label,
        align: "right",
        value: (run) => metricValue(run.metrics[field.key], field.aggregate),
        cell: (run) => metricCell(metricValue(run.metrics[field.key], field.aggregate)),
      };
  }
}

/** Parses `--columns`; errors carry the column (1-based) where parsing failed. */
export function parseColumns(text: string): RunColumn[] {
  return parseSort(text).map((key) => fieldColumn(key.field));
}

/**
 * The default table: short id, name, status, duration, then each metric of the listed runs
 * (its `best` when the project defines a goal for it, else `last`). Returns the columns and how
 * many metric keys did not fit.
 */
export function defaultColumns(runs: Run[]): { columns: RunColumn[]; hiddenMetrics: number } {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const shown = keys.slice(0, MAX_DEFAULT_METRIC_COLUMNS);
  const columns: RunColumn[] = [
    { label: "id", align: "left", value: (run) => run.id, cell: (run) => shortId(run.id) },
    attributeColumn("name", "name"),
    attributeColumn("status", "status"),
    attributeColumn("duration", "duration"),
    ...shown.map(
      (key): RunColumn => ({
        label: key,
        align: "right",
        value: (run) => metricValue(run.metrics[key], "best"),
        cell: (run) => metricCell(metricValue(run.metrics[key], "best")),
      }),
    ),
  ];
  return { columns, hiddenMetrics: keys.length - shown.length };
}
