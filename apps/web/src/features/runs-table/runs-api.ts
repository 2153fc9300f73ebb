import type { ProjectKeys, RunList } from "@looplab/core";
import type { LooplabClient } from "@looplab/sdk";
import type { ColumnSpec } from "./column-model.js";
import { groupKey, groupSpec, type RunGroup } from "./group-model.js";
import { type KeyCatalog, literalText } from "./key-catalog.js";

/**
 * The runs table's server calls, in one seam. Pages of runs come from `searchRuns` by offset;
 * keys, values and group aggregates from the dashboard endpoints (`listProjectKeys`,
 * `listKeyValues`, `groupRuns`, docs/dashboard-api.md). Errors are thrown to the queries, which
 * show them.
 */

export const PAGE_SIZE = 200;
/** Keys listed per kind (config paths, metric keys, tag keys); the catalog says when more exist. */
export const KEYS_LIMIT = 1_000;
/** Groups listed; the status line says when more exist. */
export const GROUPS_LIMIT = 1_000;

export const runsKeys = {
  all: (project: string) => ["runs-table", project] as const,
  page: (project: string, filter: string, sort: string, offset: number, limit: number) =>
    ["runs-table", project, "page", filter, sort, offset, limit] as const,
  groups: (project: string, filter: string, groupBy: string, fields: readonly string[]) =>
    ["runs-table", project, "groups", filter, groupBy, fields.join(",")] as const,
  catalog: (project: string) => ["runs-table", project, "catalog"] as const,
};

export interface PageArgs {
  project: string;
  filter: string;
  sort: string;
  offset: number;
  limit: number;
}

export function fetchRunsPage(api: LooplabClient, args: PageArgs, signal?: AbortSignal): Promise<RunList> {
  return api.call("searchRuns", {
    body: {
      project: args.project,
      filter: args.filter,
      sort: args.sort,
      offset: args.offset,
      limit: args.limit,
      withTotal: true,
    },
    ...(signal ? { signal } : {}),
  });
}

export async function fetchKeyCatalog(
  api: LooplabClient,
  project: string,
  definitions: readonly { key: string; goal: "min" | "max" }[],
  signal?: AbortSignal,
): Promise<KeyCatalog> {
  const keys = await api.call("listProjectKeys", { params: { project }, query: { limit: KEYS_LIMIT }, signal });
  return catalogFromKeys(keys, definitions);
}

export function catalogFromKeys(
  keys: ProjectKeys,
  definitions: readonly { key: string; goal: "min" | "max" }[],
): KeyCatalog {
  const goals = new Map(definitions.map((d) => [d.key, d.goal]));
  const metrics = keys.metrics.map((m) => ({ key: m.key, goal: m.goal ?? goals.get(m.key) }));
  // Defined metrics without points yet can still be chosen.
  const known = new Set(metrics.map((m) => m.key));
  for (const d of definitions) if (!known.has(d.key)) metrics.push({ key: d.key, goal: d.goal });
  metrics.sort((a, b) => a.key.localeCompare(b.key));
  return {
    config: keys.config.map((c) => ({ path: c.path, segments: c.path.split(".") })),
    metrics,
    tags: keys.tags.map((t) => t.key),
    truncated: keys.truncated.config || keys.truncated.metrics || keys.truncated.tags,
  };
}

/** Whether the values endpoint lists a field (as typed in a filter): `config.…`, `tags.…`, status, group, name, host. */
export function hasListableValues(field: string): boolean {
  const head = field.split(".")[0]?.toLowerCase() ?? "";
  if (head === "config" || head === "tags") return field.includes(".") && field.length > head.length + 1;
  return ["status", "group", "name", "host"].includes(field.toLowerCase());
}

/** Distinct values of a field as filter literals, most frequent first (values endpoint). */
export async function fetchKeyValues(
  api: LooplabClient,
  project: string,
  field: string,
  prefix: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const head = field.split(".")[0] ?? "";
  // Field names are case-insensitive in the filter language; the endpoint wants them lower-case.
  const canonical = head.toLowerCase() + field.slice(head.length);
  const result = await api.call("listKeyValues", {
    params: { project },
    query: { field: canonical, limit: 50, ...(prefix ? { prefix } : {}) },
    signal,
  });
  return result.values.map((v) => literalText(v.value)).filter((t): t is string => t !== null);
}

export interface GroupsResult {
  groups: RunGroup[];
  /** Runs in the listed groups. */
  runs: number;
  /** Groups in all (more than listed when over GROUPS_LIMIT). */
  total: number;
}

export async function fetchGroups(
  api: LooplabClient,
  args: { project: string; filter: string; groupBy: string; numericColumns: readonly ColumnSpec[] },
  signal?: AbortSignal,
): Promise<GroupsResult> {
  const spec = groupSpec(args.groupBy);
  if (!spec) return { groups: [], runs: 0, total: 0 };
  const result = await api.call("groupRuns", {
    params: { project: args.project },
    body: {
      filter: args.filter,
      groupBy: spec.id,
      metrics: args.numericColumns.map((c) => c.id).slice(0, 50),
      limit: GROUPS_LIMIT,
    },
    signal,
  });
  const groups: RunGroup[] = result.groups.map((g) => ({
    key: groupKey(g.value),
    value: g.value,
    count: g.count,
    fields: g.fields,
  }));
  return { groups, runs: groups.reduce((sum, g) => sum + g.count, 0), total: result.total };
}
