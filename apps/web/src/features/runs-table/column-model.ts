import { type FieldRef, formatField, type MetricAggregate, parseSort, quoteSegment, type Run } from "@looplab/core";

/**
 * Columns of the runs table. A column's id is the field as written in the filter and sort
 * languages (`config.optimizer.lr`, `metrics.val/acc.best`, `tags.team`), so sorting by a column
 * is just its id with an optional `-`, and ids survive a round trip through the URL. Two ids are
 * table-only: `tags` (every tag of the run) and `select` (the checkbox column, never stored).
 */

export type ColumnKind = "attribute" | "config" | "tag" | "tags" | "metric";

export interface ColumnSpec {
  id: string;
  kind: ColumnKind;
  label: string;
  /** Header tooltip: the full field. */
  title: string;
  field: FieldRef | null;
  numeric: boolean;
  sortable: boolean;
  width: number;
}

export const tableAggregates: readonly MetricAggregate[] = ["best", "last", "min", "max", "mean"];

const attributeWidths: Record<string, number> = {
  name: 220,
  status: 92,
  group: 130,
  createdAt: 150,
  startedAt: 150,
  endedAt: 150,
  updatedAt: 150,
  duration: 90,
  id: 250,
  host: 130,
  notes: 200,
};

const attributeLabels: Record<string, string> = {
  createdAt: "created",
  startedAt: "started",
  endedAt: "ended",
  updatedAt: "updated",
};

/** Parses a column id; null for ids that are not fields (stale URLs are ignored, not fatal). */
export function parseColumnId(id: string): ColumnSpec | null {
  if (id === "tags") {
    return { id, kind: "tags", label: "tags", title: "tags", field: null, numeric: false, sortable: false, width: 180 };
  }
  let field: FieldRef;
  try {
    const keys = parseSort(id);
    if (keys.length !== 1 || keys[0]?.descending) return null;
    field = (keys[0] as { field: FieldRef }).field;
  } catch {
    return null;
  }
  const canonical = formatField(field);
  switch (field.kind) {
    case "attribute": {
      const numeric = field.name === "duration" || field.name.endsWith("At");
      const label = attributeLabels[field.name] ?? field.name;
      return {
        id: canonical,
        kind: "attribute",
        label,
        title: field.name,
        field,
        numeric,
        sortable: true,
        width: attributeWidths[field.name] ?? 120,
      };
    }
    case "config":
      return {
        id: canonical,
        kind: "config",
        label: field.path,
        title: canonical,
        field,
        numeric: false,
        sortable: true,
        width: widthForLabel(field.path),
      };
    case "tag":
      return {
        id: canonical,
        kind: "tag",
        label: `#${field.key}`,
        title: canonical,
        field,
        numeric: false,
        sortable: true,
        width: widthForLabel(`#${field.key}`),
      };
    case "metric": {
      const withAggregate: FieldRef = { ...field, explicitAggregate: true };
      const explicitId = formatField(withAggregate);
      return {
        id: explicitId,
        kind: "metric",
        label: `${field.key} ${field.aggregate}`,
        title: explicitId,
        field: withAggregate,
        numeric: true,
        sortable: true,
        width: widthForLabel(`${field.key} ${field.aggregate}`),
      };
    }
  }
}

/** A default width that shows the whole header (about 7 px a character plus the sort mark), 110–240 px. */
export function widthForLabel(label: string): number {
  return Math.min(240, Math.max(110, Math.round(label.length * 7.2 + 32)));
}

export function parseColumns(ids: readonly string[]): ColumnSpec[] {
  const seen = new Set<string>();
  const out: ColumnSpec[] = [];
  for (const id of ids) {
    const spec = parseColumnId(id);
    if (spec && !seen.has(spec.id)) {
      seen.add(spec.id);
      out.push(spec);
    }
  }
  return out;
}

/** Name, status, tags, created, duration and the first few metrics' best (goal set) or last. */
export function defaultColumnIds(metrics: readonly { key: string; goal?: "min" | "max" | undefined }[]): string[] {
  const ids = ["name", "status", "tags", "createdAt", "duration"];
  for (const m of metrics.slice(0, 4)) {
    const spec = parseColumnId(`metrics.${quoteSegment(m.key)}.${m.goal ? "best" : "last"}`);
    if (spec) ids.push(spec.id);
  }
  return ids;
}

/** Reads a config value by its path segments through nested objects (a dotted top-level key also works). */
export function configValue(config: Record<string, unknown>, segments: readonly string[]): unknown {
  let node: unknown = config;
  for (let i = 0; i < segments.length; i++) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    const record = node as Record<string, unknown>;
    const segment = segments[i] as string;
    if (segment in record) {
      node = record[segment];
      continue;
    }
    const joined = segments.slice(i).join(".");
    return joined in record ? record[joined] : undefined;
  }
  return node;
}

export type Goals = ReadonlyMap<string, "min" | "max">;

/** The number a metric cell shows; `best` follows the project's goal and falls back to `last`. */
export function metricValue(run: Run, key: string, aggregate: MetricAggregate, goals: Goals): unknown {
  const summary = run.metrics[key];
  if (!summary) return undefined;
  switch (aggregate) {
    case "best": {
      if (summary.best !== undefined && summary.best !== null) return summary.best;
      const goal = goals.get(key);
      if (goal === "min") return summary.min;
      if (goal === "max") return summary.max;
      return summary.last;
    }
    case "count":
      return summary.count;
    default:
      return summary[aggregate];
  }
}

/** Milliseconds from start to end (or `now` for a run that has not ended); null before it starts. */
export function runDuration(run: Run, now: number): number | null {
  if (run.startedAt === null) return null;
  const end = run.endedAt ?? (run.status === "running" || run.status === "queued" ? now : run.updatedAt);
  return Math.max(0, end - run.startedAt);
}

export function cellValue(run: Run, spec: ColumnSpec, goals: Goals, now: number): unknown {
  const field = spec.field;
  if (spec.kind === "tags") return run.tags;
  if (!field) return undefined;
  switch (field.kind) {
    case "attribute":
      if (field.name === "duration") return runDuration(run, now);
      return run[field.name];
    case "config":
      return configValue(run.config, field.segments);
    case "tag":
      return run.tags[field.key];
    case "metric":
      return metricValue(run, field.key, field.aggregate, goals);
  }
}

/** A sort string of the core sort language: the column's id, `-` first for descending. */
export function sortFor(columnId: string, descending: boolean): string {
  return `${descending ? "-" : ""}${columnId}`;
}

export interface SortState {
  columnId: string;
  descending: boolean;
}

/** The first key of a sort string, as a column id (the table shows one sort arrow). */
export function primarySort(sort: string): SortState | null {
  try {
    const [first] = parseSort(sort);
    if (!first) return null;
    const field = first.field.kind === "metric" ? { ...first.field, explicitAggregate: true } : first.field;
    return { columnId: formatField(field), descending: first.descending };
  } catch {
    return null;
  }
}

/** Header click: ascending → descending → back to the default sort (numbers start descending). */
export function nextSort(current: string, spec: ColumnSpec, defaultSort: string): string {
  const now = primarySort(current);
  if (now?.columnId !== spec.id) return sortFor(spec.id, spec.numeric);
  if (now.descending === spec.numeric) return sortFor(spec.id, !spec.numeric);
  return defaultSort;
}
