import type { FilterExpr } from "@looplab/core";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database.js";
import { sideQuery } from "./compile-filter.js";
import { metricIndexedColumn, type SearchContext, storedAggregate } from "./field-sql.js";

/** A conjunct matching at most this many side rows is worth starting the query from. */
export const DRIVER_MAX_ROWS = 2000;
const MAX_PROBES = 4;

/**
 * SQLite plans a correlated EXISTS as a check per run, which is right for the usual filter
 * (most runs pass, the sort order drives and the page fills early) and slow for a rare
 * value (`config.seed = 123` checks every run). For SQLite, this counts, with a cap, the
 * side rows of each top-level conjunct that an index can find, and returns the most
 * selective one when it is small enough, to be compiled as `runs.id IN (…)`.
 * PostgreSQL plans both forms as semi-joins from its own statistics, so it is left alone.
 */
export async function chooseDrivers(
  db: Kysely<Database>,
  filter: FilterExpr | null,
  ctx: SearchContext,
): Promise<Set<FilterExpr>> {
  if (ctx.dialect !== "sqlite") return new Set();
  let best: { expr: FilterExpr; rows: number } | null = null;
  for (const expr of indexedConjuncts(filter, ctx).slice(0, MAX_PROBES)) {
    const side = sideQuery(expr, ctx);
    if (!side) continue;
    const counted = side({ correlated: false, limit: DRIVER_MAX_ROWS + 1, superset: true });
    const { rows } = await sql<{ n: number }>`select count(*) as n from (${counted}) as probe`.execute(db);
    const n = Number(rows[0]?.n ?? 0);
    if (n <= DRIVER_MAX_ROWS && (best === null || n < best.rows)) best = { expr, rows: n };
  }
  return new Set(best ? [best.expr] : []);
}

/**
 * Top-level conjuncts whose side rows an index on (key or path, value) finds without a scan.
 * Counting all matches (`withTotal`) reads every candidate anyway, and SQLite does that about
 * twice as fast from `IN` lists of these as from an EXISTS per run.
 */
export function indexedConjuncts(filter: FilterExpr | null, ctx: SearchContext): FilterExpr[] {
  if (filter === null) return [];
  return (filter.kind === "and" ? filter.items : [filter]).filter((c) => isIndexed(c, ctx));
}

function isIndexed(expr: FilterExpr, ctx: SearchContext): boolean {
  switch (expr.kind) {
    case "has":
      return expr.scope !== "config";
    case "exists":
      return !expr.negated && expr.field.kind !== "attribute";
    case "compare":
    case "in": {
      if (expr.kind === "compare" ? expr.op === "!=" : expr.negated) return false;
      const field = expr.field;
      if (field.kind === "tag") return true;
      if (field.kind === "metric")
        return metricIndexedColumn("m", storedAggregate(field.key, field.aggregate, ctx)) !== null;
      if (field.kind !== "config") return false;
      const kinds = new Set((expr.kind === "compare" ? [expr.value] : expr.values).map((v) => v.kind));
      return kinds.size === 1;
    }
    default:
      return false;
  }
}
