import { type Kysely, PostgresAdapter, sql, type Transaction } from "kysely";
import type { Database } from "../database.js";

/**
 * The per-project key registry (`project_keys`, migration 0005): for each project, every
 * config path (per value type), tag key and metric key with the number of live (not deleted)
 * runs that have it. The run and metric stores keep it exact in the same transaction as their
 * writes by counting the keys a change adds and removes, so the key catalogue reads only this
 * table. A row whose count reaches 0 is deleted: keys of deleted runs disappear, and come back
 * when the runs are restored.
 */
type Executor = Kysely<Database> | Transaction<Database>;

export type KeyKind = "config" | "tag" | "metric";

export const allKinds: readonly KeyKind[] = ["config", "tag", "metric"];

/** Counts per registry row, keyed by `entryId`. */
export type KeyCounts = Map<string, { projectId: string; kind: KeyKind; key: string; valueType: string; n: number }>;

const SEP = "\u0000";
const entryId = (projectId: string, kind: string, key: string, valueType: string) =>
  `${projectId}${SEP}${kind}${SEP}${key}${SEP}${valueType}`;

/** Run ids per statement, well under SQLite's variable limit. */
const RUNS_PER_QUERY = 500;
/** Registry rows per upsert (5 variables each). */
const ROWS_PER_UPSERT = 400;

export function addCount(counts: KeyCounts, projectId: string, kind: KeyKind, key: string, valueType: string, n = 1) {
  const id = entryId(projectId, kind, key, valueType);
  const entry = counts.get(id);
  if (entry) entry.n += n;
  else counts.set(id, { projectId, kind, key, valueType, n });
}

/** The registry contributions of live runs (each counts once per key it has), read from the side tables. */
export async function keysOfRuns(db: Executor, runIds: string[], kinds: readonly KeyKind[]): Promise<KeyCounts> {
  const counts: KeyCounts = new Map();
  for (let i = 0; i < runIds.length; i += RUNS_PER_QUERY) {
    const part = runIds.slice(i, i + RUNS_PER_QUERY);
    if (kinds.includes("config")) {
      const rows = await db
        .selectFrom("run_config as s")
        .innerJoin("runs as r", "r.id", "s.run_id")
        .select(["r.project_id", "s.path", "s.value_type", (eb) => eb.fn.countAll<number | string>().as("n")])
        .where("s.run_id", "in", part)
        .where("r.deleted_at", "is", null)
        .groupBy(["r.project_id", "s.path", "s.value_type"])
        .execute();
      for (const r of rows) addCount(counts, r.project_id, "config", r.path, r.value_type, Number(r.n));
    }
    for (const kind of ["tag", "metric"] as const) {
      if (!kinds.includes(kind)) continue;
      const table = kind === "tag" ? "run_tags" : "metric_series";
      const rows = await db
        .selectFrom(`${table} as s` as "run_tags as s")
        .innerJoin("runs as r", "r.id", "s.run_id")
        .select(["r.project_id", "s.key", (eb) => eb.fn.countAll<number | string>().as("n")])
        .where("s.run_id", "in", part)
        .where("r.deleted_at", "is", null)
        .groupBy(["r.project_id", "s.key"])
        .execute();
      for (const r of rows) addCount(counts, r.project_id, kind, r.key, "", Number(r.n));
    }
  }
  return counts;
}

/** `after - before`, per registry row (rows that net to 0 dropped). */
export function diffCounts(before: KeyCounts, after: KeyCounts): KeyCounts {
  const out: KeyCounts = new Map();
  for (const e of after.values()) addCount(out, e.projectId, e.kind, e.key, e.valueType, e.n);
  for (const e of before.values()) addCount(out, e.projectId, e.kind, e.key, e.valueType, -e.n);
  for (const [id, e] of out) if (e.n === 0) out.delete(id);
  return out;
}

/** Adds `sign × counts` to the registry and deletes the rows that reach 0. */
export async function applyCounts(db: Executor, counts: KeyCounts, sign: 1 | -1 = 1): Promise<void> {
  const rows = [...counts.values()]
    .filter((e) => e.n !== 0)
    .map((e) => ({ project_id: e.projectId, kind: e.kind, key: e.key, value_type: e.valueType, runs: sign * e.n }));
  for (let i = 0; i < rows.length; i += ROWS_PER_UPSERT) {
    await db
      .insertInto("project_keys")
      .values(rows.slice(i, i + ROWS_PER_UPSERT))
      .onConflict((oc) =>
        oc
          .columns(["project_id", "kind", "key", "value_type"])
          .doUpdateSet({ runs: sql<number>`project_keys.runs + excluded.runs` }),
      )
      .execute();
  }
  const lowered = rows.filter((r) => r.runs < 0);
  const byProjectKind = new Map<string, { projectId: string; kind: string; keys: string[] }>();
  for (const r of lowered) {
    const id = `${r.project_id}${SEP}${r.kind}`;
    const group = byProjectKind.get(id) ?? { projectId: r.project_id, kind: r.kind, keys: [] };
    group.keys.push(r.key);
    byProjectKind.set(id, group);
  }
  for (const { projectId, kind, keys } of byProjectKind.values()) {
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += ROWS_PER_UPSERT) {
      await db
        .deleteFrom("project_keys")
        .where("project_id", "=", projectId)
        .where("kind", "=", kind)
        .where("key", "in", unique.slice(i, i + ROWS_PER_UPSERT))
        .where("runs", "<=", 0)
        .execute();
    }
  }
}

/**
 * Runs `change` (writes to runs' tags, config, series or deletion marks) and moves the registry
 * by the difference in the runs' live keys of `kinds` before and after it. On PostgreSQL the
 * runs' rows are locked first, so a concurrent change to the same runs waits for this one.
 */
export async function trackKeys<T>(
  db: Executor,
  runIds: string[],
  kinds: readonly KeyKind[],
  change: () => Promise<T>,
): Promise<T> {
  if (runIds.length === 0 || kinds.length === 0) return await change();
  await lockRuns(db, runIds);
  const before = await keysOfRuns(db, runIds, kinds);
  const result = await change();
  const after = await keysOfRuns(db, runIds, kinds);
  await applyCounts(db, diffCounts(before, after));
  return result;
}

/** Counts metric keys that just got their first series in a run (when the run is live). */
export async function addSeriesKeys(db: Executor, runId: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await lockRuns(db, [runId]);
  const run = await db
    .selectFrom("runs")
    .select(["project_id", "deleted_at"])
    .where("id", "=", runId)
    .executeTakeFirst();
  if (!run || run.deleted_at !== null) return;
  const counts: KeyCounts = new Map();
  for (const key of keys) addCount(counts, run.project_id, "metric", key, "");
  await applyCounts(db, counts);
}

/** Uncounts the metric keys of series about to be deleted (those of live runs). */
export async function removeSeriesKeys(db: Executor, seriesIds: number[]): Promise<void> {
  if (seriesIds.length === 0) return;
  const rows = await db
    .selectFrom("metric_series as s")
    .innerJoin("runs as r", "r.id", "s.run_id")
    .select(["r.project_id", "s.key", "r.deleted_at"])
    .where("s.id", "in", seriesIds)
    .execute();
  const counts: KeyCounts = new Map();
  for (const r of rows) if (r.deleted_at === null) addCount(counts, r.project_id, "metric", r.key, "");
  await applyCounts(db, counts, -1);
}

/** Locks runs' rows on PostgreSQL (in id order, so concurrent bulk changes cannot deadlock). */
export async function lockRuns(db: Executor, runIds: string[]): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  const sorted = [...new Set(runIds)].sort();
  for (let i = 0; i < sorted.length; i += RUNS_PER_QUERY) {
    await db
      .selectFrom("runs")
      .select("id")
      .where("id", "in", sorted.slice(i, i + RUNS_PER_QUERY))
      .orderBy("id")
      .forUpdate()
      .execute();
  }
}
