import type { Run } from "@looplab/core";
import { type ColumnSpec, parseColumnId } from "./column-model.js";
import { literalText } from "./key-catalog.js";

/**
 * Grouping (pure): which fields can group runs and the filter that selects one group's runs (an
 * expanded group is just a filtered query). Counts and mean ± std per group come from the
 * server's group aggregates (`groupRuns`).
 */

export type GroupValue = string | number | boolean | null;

/** Aggregates of one numeric field over a group's runs (`std` is null when n < 2). */
export interface FieldStats {
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  n: number;
}

export interface RunGroup {
  /** Stable key of the value (JSON), used for expansion state in the URL. */
  key: string;
  value: GroupValue;
  count: number;
  fields: Record<string, FieldStats>;
}

/** A column spec usable for grouping: run attributes with few values, config paths, tag keys. */
export function groupSpec(groupBy: string | null): ColumnSpec | null {
  if (!groupBy) return null;
  const spec = parseColumnId(groupBy);
  if (!spec?.field) return null;
  const f = spec.field;
  if (f.kind === "attribute") return ["status", "group", "host", "name"].includes(f.name) ? spec : null;
  return f.kind === "config" || f.kind === "tag" ? spec : null;
}

const scalar = (v: unknown): GroupValue =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ? v
    : v === undefined
      ? null
      : v === null
        ? null
        : JSON.stringify(v);

/** A run's value of the grouping field (what the group aggregates group it under). */
export function groupValueOf(run: Run, spec: ColumnSpec): GroupValue {
  const f = spec.field;
  if (!f) return null;
  if (f.kind === "tag") return run.tags[f.key] ?? null;
  if (f.kind === "attribute") return scalar((run as unknown as Record<string, unknown>)[f.name]);
  if (f.kind !== "config") return null;
  let value: unknown = run.config;
  for (const segment of f.segments) {
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return scalar(value);
}

export function groupKey(value: GroupValue): string {
  return JSON.stringify(value);
}

/** The filter clause selecting one group. */
export function groupClause(groupBy: string, value: GroupValue): string {
  if (value === null) return `${groupBy} is null`;
  return `${groupBy} = ${literalText(value) ?? literalText(String(value))}`;
}

export function andFilters(base: string, clause: string): string {
  return base.trim() === "" ? clause : `(${base}) and ${clause}`;
}
