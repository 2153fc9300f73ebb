import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase } from "kysely";
import { type DriverStatement, withFastRows } from "./sqlite-fast-rows.js";

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs as much as running a
 * small insert. Queries repeat the same SQL text, so prepared statements are kept in an LRU map.
 * (Kysely's `.stream()` iterates a statement and must not share it: the store does not stream.)
 * Reads build their row objects through a compiled factory (sqlite-fast-rows.ts).
 */
export function withStatementCache(db: BetterSqlite3.Database, capacity = 1000): SqliteDatabase {
  const cache = new Map<string, DriverStatement>();
  return {
    close: () => db.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = withFastRows(db.prepare(sql));
        if (cache.size >= capacity) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      cache.set(sql, statement);
      return statement as unknown as ReturnType<SqliteDatabase["prepare"]>;
    },
  };
}
