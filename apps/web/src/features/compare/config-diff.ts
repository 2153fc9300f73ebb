import { flattenConfig } from "@looplab/core";

export interface ConfigDiffRow {
  path: string;
  /** One value per run (undefined where the run lacks the path). */
  values: unknown[];
  differs: boolean;
}

/** Stable text for comparing config values (objects compare by content, key order ignored). */
export function canonical(value: unknown): string {
  if (value === undefined) return "\u0000missing";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

/**
 * Every config leaf path of the runs with each run's value; `differs` when any two runs have
 * different values (a path missing from some runs differs). Paths sorted; only differing rows
 * unless `all`.
 */
export function configDiff(configs: readonly Record<string, unknown>[], all = false): ConfigDiffRow[] {
  const perRun = configs.map((c) => new Map(flattenConfig(c).map((leaf) => [leaf.path, leaf.value])));
  const paths = new Set<string>();
  for (const m of perRun) for (const p of m.keys()) paths.add(p);
  const rows: ConfigDiffRow[] = [];
  for (const path of [...paths].sort()) {
    const values = perRun.map((m) => m.get(path));
    const first = canonical(values[0]);
    const differs = values.some((v) => canonical(v) !== first);
    if (differs || all) rows.push({ path, values, differs });
  }
  return rows;
}
