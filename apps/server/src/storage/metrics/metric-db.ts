import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import type { Database } from "../database.js";
import type { SqlDialectName } from "../dialect.js";

/**
 * The database handle of the metric store, with its dialect. The statements on the ingest
 * and read paths are written as SQL text run through `executeQuery`: building them with
 * Kysely's query builder cost 150–370 µs each here, more than SQLite takes to run them.
 * The text is the same for both dialects except for placeholders (`?` vs `$n`).
 */
export interface MetricDb {
  kysely: Kysely<Database> | Transaction<Database>;
  dialect: SqlDialectName;
}

const pgText = new Map<string, string>();

function forDialect(text: string, dialect: SqlDialectName): string {
  if (dialect === "sqlite") return text;
  let out = pgText.get(text);
  if (out === undefined) {
    let n = 0;
    out = text.replace(/\?/g, () => `$${++n}`);
    if (pgText.size > 2000) pgText.clear();
    pgText.set(text, out);
  }
  return out;
}

export async function query<R>(db: MetricDb, text: string, params: readonly unknown[]): Promise<R[]> {
  const result = await db.kysely.executeQuery<R>(CompiledQuery.raw(forDialect(text, db.dialect), [...params]));
  return result.rows;
}

/** Runs a statement and returns the number of rows it changed. */
export async function execute(db: MetricDb, text: string, params: readonly unknown[]): Promise<number> {
  const result = await db.kysely.executeQuery(CompiledQuery.raw(forDialect(text, db.dialect), [...params]));
  return Number(result.numAffectedRows ?? 0);
}

const lists = new Map<string, string>();

/** `?, ?, …` (n placeholders), or `(?, ?), (?, ?), …` for `rows` tuples of `width`. */
export function placeholders(n: number, width = 0): string {
  const id = `${n}x${width}`;
  let out = lists.get(id);
  if (out === undefined) {
    if (width === 0) out = Array.from({ length: n }, () => "?").join(", ");
    else {
      const tuple = `(${Array.from({ length: width }, () => "?").join(", ")})`;
      out = Array.from({ length: n }, () => tuple).join(", ");
    }
    if (lists.size > 2000) lists.clear();
    lists.set(id, out);
  }
  return out;
}

export function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
