import BetterSqlite3 from "better-sqlite3";
import { type Kysely, Kysely as KyselyDb, SqliteDialect } from "kysely";
import type { Database } from "../database.js";
import { coreMigration } from "../migrations/0001-core.js";
import { metricChunksMigration } from "../migrations/0002-metric-chunks.js";
import { projectKeysMigration } from "../migrations/0005-project-keys.js";
import { describeMetricRepoContract } from "./metric-repo.contract.js";

describeMetricRepoContract("sqlite", async () => {
  const sqlite = new BetterSqlite3(":memory:");
  sqlite.pragma("foreign_keys = ON");
  const db: Kysely<Database> = new KyselyDb<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await coreMigration("sqlite").up(db as Kysely<unknown>);
  await metricChunksMigration("sqlite").up(db as Kysely<unknown>);
  // The key registry the store keeps on series creation and removal.
  await projectKeysMigration().up(db as Kysely<unknown>);
  return { db, dialect: "sqlite", close: () => db.destroy() };
});
