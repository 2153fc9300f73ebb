import type { Kysely, Transaction } from "kysely";
import type { DashboardRepos } from "../../ports/dashboard-store.js";
import type { Database } from "../database.js";
import type { SqlDialectName } from "../dialect.js";
import { createGroupAggregates } from "./group-aggregates.js";
import { createKeyCatalog } from "./key-catalog.js";
import { createRunBulkRepo } from "./run-bulk-repo.js";
import { createViewRepo } from "./view-repo.js";

/** The Kysely implementation of the dashboard's storage port, for SQLite and PostgreSQL. */
export function createDashboardRepos(
  db: Kysely<Database> | Transaction<Database>,
  dialect: SqlDialectName,
): DashboardRepos {
  return {
    keys: createKeyCatalog(db),
    groups: createGroupAggregates(db, dialect),
    views: createViewRepo(db),
    bulk: createRunBulkRepo(db),
  };
}
