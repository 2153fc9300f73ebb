import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { createScratchDatabase, testPgClusterUrl } from "../../testing/index.js";
import type { Database } from "../database.js";
import { coreMigration } from "../migrations/0001-core.js";
import { metricChunksMigration } from "../migrations/0002-metric-chunks.js";
import { projectKeysMigration } from "../migrations/0005-project-keys.js";
import { describeMetricRepoContract } from "./metric-repo.contract.js";

// pg's default type parsers on purpose: bigint columns come back as strings.
describeMetricRepoContract("postgres", async () => {
  const pool = new pg.Pool({ connectionString: await createScratchDatabase(testPgClusterUrl()), max: 4 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await coreMigration("postgres").up(db as Kysely<unknown>);
  await metricChunksMigration("postgres").up(db as Kysely<unknown>);
  // The key registry the store keeps on series creation and removal.
  await projectKeysMigration().up(db as Kysely<unknown>);
  return { db, dialect: "postgres", close: () => db.destroy() };
});
