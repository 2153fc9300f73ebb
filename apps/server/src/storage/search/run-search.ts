import {
  type FilterExpr,
  invalidArgument,
  isLooplabError,
  type MetricGoal,
  parseFilter,
  parseSort,
  type SortKey,
} from "@looplab/core";
import type { Kysely } from "kysely";
import type { RunSearchRequest, RunSearchResult } from "../../ports/store.js";
import type { Database } from "../database.js";
import type { SqlDialectName } from "../dialect.js";
import { compileFilter } from "./compile-filter.js";
import { planSort, type SearchQuery, type SortPart, type SortTables } from "./compile-sort.js";
import { chooseDrivers, indexedConjuncts } from "./driver-probe.js";
import type { SearchContext } from "./field-sql.js";

export interface RunSearchOptions {
  /** Clock for `duration` of unfinished runs; Date.now by default. */
  now?: () => number;
  /** Whether SQLite may start from a selective conjunct (see driver-probe.ts); true by default. */
  probeDrivers?: boolean;
}

export type RunSearch = (request: RunSearchRequest) => Promise<RunSearchResult>;

/**
 * Searches the runs of one project with the filter and sort languages of DESIGN.md §6.
 * Parse errors are 400s naming the column; everything reaches SQL as parameters.
 */
export function createRunSearch(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  options: RunSearchOptions = {},
): RunSearch {
  const now = options.now ?? Date.now;
  const probeDrivers = options.probeDrivers ?? true;
  const searchDb = db.withTables<SortTables>();

  return async (request) => {
    const { offset, limit } = request;
    if (!Number.isInteger(offset) || offset < 0) throw invalidArgument("offset must be a non-negative integer");
    if (!Number.isInteger(limit) || limit < 0) throw invalidArgument("limit must be a non-negative integer");
    const filter = parseFilter(request.filter);
    const sort = parseSort(request.sort);
    const ctx: SearchContext = {
      dialect,
      now: now(),
      goals: await loadGoals(db, request.projectId, bestKeys(filter, sort)),
    };
    const base = (drivers: ReadonlySet<FilterExpr>): SearchQuery => {
      let qb: SearchQuery = searchDb
        .selectFrom("runs")
        .select("runs.id")
        .where("runs.project_id", "=", request.projectId);
      if (!request.includeDeleted) qb = qb.where("runs.deleted_at", "is", null);
      return filter ? qb.where(compileFilter(filter, ctx, drivers)) : qb;
    };
    const drivers = probeDrivers ? await chooseDrivers(db, filter, ctx) : new Set<FilterExpr>();
    const countDrivers = probeDrivers && dialect === "sqlite" ? new Set(indexedConjuncts(filter, ctx)) : drivers;

    try {
      const ids = await readPage(() => base(drivers), planSort(sort, ctx, filter), offset, limit + 1);
      const total = request.withTotal ? await countRows(base(countDrivers)) : null;
      return { runIds: ids.slice(0, limit), total, hasMore: ids.length > limit };
    } catch (error) {
      throw translateDatabaseError(error);
    }
  };
}

/** Reads `want` ids from `offset` across the sort parts, counting a part only when the offset skips it whole. */
async function readPage(base: () => SearchQuery, parts: SortPart[], offset: number, want: number): Promise<string[]> {
  const ids: string[] = [];
  let skip = offset;
  for (const [index, part] of parts.entries()) {
    const need = want - ids.length;
    if (need <= 0) break;
    const rows = await part(base()).offset(skip).limit(need).execute();
    for (const row of rows) ids.push(row.id);
    if (rows.length === need) break;
    // The part is exhausted: it held `skip + rows.length` rows if any came back, at most `skip` otherwise.
    if (rows.length > 0) skip = 0;
    else if (skip > 0 && index < parts.length - 1) skip = Math.max(0, skip - (await countRows(part(base()))));
  }
  return ids;
}

async function countRows(qb: SearchQuery): Promise<number> {
  const row = await qb
    .clearSelect()
    .clearOrderBy()
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Metric keys whose `best` aggregate needs the project's goal. */
function bestKeys(filter: FilterExpr | null, sort: SortKey[]): string[] {
  const keys = new Set<string>();
  const visit = (expr: FilterExpr): void => {
    switch (expr.kind) {
      case "and":
      case "or":
        expr.items.forEach(visit);
        return;
      case "not":
        visit(expr.item);
        return;
      case "has":
        return;
      default:
        if (expr.field.kind === "metric" && expr.field.aggregate === "best") keys.add(expr.field.key);
    }
  };
  if (filter) visit(filter);
  for (const { field } of sort) if (field.kind === "metric" && field.aggregate === "best") keys.add(field.key);
  return [...keys];
}

async function loadGoals(db: Kysely<Database>, projectId: string, keys: string[]): Promise<Map<string, MetricGoal>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom("metric_definitions")
    .select(["key", "goal"])
    .where("project_id", "=", projectId)
    .where("key", "in", keys)
    .execute();
  return new Map(rows.map((row) => [row.key, row.goal]));
}

/** PostgreSQL reads regexes as POSIX ones and may reject a pattern JavaScript accepted. */
function translateDatabaseError(error: unknown): unknown {
  if (isLooplabError(error)) return error;
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === "2201B") {
    const reason = error instanceof Error ? error.message : String(error);
    return invalidArgument(`filter: the database rejected a regular expression (${reason})`, { language: "filter" });
  }
  return error;
}
