import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Database } from "./database.js";
import type { DbLocation } from "./parse-db-url.js";
import { registerSqliteFunctions } from "./search/sqlite-functions.js";
import { withStatementCache } from "./sqlite-statement-cache.js";

export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: DbLocation["dialect"];
  /** The raw better-sqlite3 handle (SQLite only), for fast paths and benchmarks. */
  sqlite?: BetterSqlite3.Database;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export function openDatabase(location: DbLocation, opts: { poolSize?: number } = {}): OpenedDatabase {
  if (location.dialect === "sqlite") {
    if (location.target !== ":memory:") mkdirSync(dirname(location.target), { recursive: true });
    const sqlite = new BetterSqlite3(location.target);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("cache_size = -65536");
    registerSqliteFunctions(sqlite);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: "sqlite", sqlite };
  }
  // Times and counts are bigint columns; JS numbers hold them exactly up to 2^53.
  const types = {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: location.target, max: opts.poolSize ?? 10, types });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: "postgres" };
}
