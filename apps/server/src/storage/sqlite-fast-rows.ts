import type BetterSqlite3 from "better-sqlite3";

/**
 * better-sqlite3 builds each result row as an object one property at a time, which costs
 * ≈ 4 µs per row of 12 columns here — more than SQLite takes to find the row. Reading rows as
 * arrays (`raw` mode) and turning them into objects with a function compiled once per statement
 * (one object literal, so every row shares one shape) halves the time of wide reads. The rows
 * are the same objects better-sqlite3 would build: same keys in the same order, a repeated
 * column name keeps its last value.
 */
export type RowFactory = (row: unknown[]) => Record<string, unknown>;

/** An object-literal factory for `columns`, or null when a name cannot be a plain literal key. */
export function rowFactory(columns: readonly string[]): RowFactory | null {
  if (columns.some((name) => name === "__proto__")) return null;
  const fields = columns.map((name, i) => `${JSON.stringify(name)}: row[${i}]`).join(", ");
  // The names are JSON string literals, so no column name can inject code.
  return new Function("row", `return { ${fields} };`) as RowFactory;
}

/** The subset of a statement Kysely's SQLite driver calls. */
export interface DriverStatement {
  readonly reader: boolean;
  all(params: readonly unknown[]): unknown[];
  run(params: readonly unknown[]): BetterSqlite3.RunResult;
  iterate(params: readonly unknown[]): IterableIterator<unknown>;
}

/**
 * `statement` reading its rows as arrays and building the objects with a compiled factory.
 * SQLite re-prepares a statement after a schema change (a `select *` may gain a column), so a
 * row of another width than the factory's rebuilds the factory from the statement's columns.
 */
export function withFastRows(statement: BetterSqlite3.Statement): DriverStatement {
  if (!statement.reader) return statement as unknown as DriverStatement;
  let width = statement.columns().length;
  let make = rowFactory(statement.columns().map((c) => c.name));
  if (make === null) return statement as unknown as DriverStatement;
  statement.raw(true);
  const factoryFor = (row: unknown[]): RowFactory => {
    if (row.length !== width || make === null) {
      const columns = statement.columns().map((c) => c.name);
      width = columns.length;
      make = rowFactory(columns) ?? ((r) => Object.fromEntries(columns.map((name, i) => [name, r[i]])));
    }
    return make;
  };
  return {
    reader: true,
    all(params) {
      const rows = statement.all(params) as unknown[][];
      if (rows.length === 0) return rows;
      const build = factoryFor(rows[0] as unknown[]);
      for (let i = 0; i < rows.length; i++) (rows as unknown[])[i] = build(rows[i] as unknown[]);
      return rows;
    },
    run: (params) => statement.run(params),
    *iterate(params) {
      for (const row of statement.iterate(params) as IterableIterator<unknown[]>) yield factoryFor(row)(row);
    },
  };
}
