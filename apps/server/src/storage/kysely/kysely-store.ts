import type { Kysely, Transaction } from "kysely";
import type { Store, StoreRepos } from "../../ports/store.js";
import type { OpenedDatabase } from "../create-database.js";
import type { Database } from "../database.js";
import { createMetricRepo } from "../metrics/metric-repo.js";
import { migrateToLatest } from "../migrate.js";
import { createRunSearch } from "../search/run-search.js";
import { createArtifactRepo } from "./artifact-repo.js";
import { createDashboardRepos } from "./dashboard-repos.js";
import { createLogRepo } from "./log-repo.js";
import { createMlflowRepo } from "./mlflow-repo.js";
import { createProjectRepo } from "./project-repo.js";
import { createQueueRepo } from "./queue-repo.js";
import { createRegistryRepo } from "./registry-repo.js";
import { createRunRepo } from "./run-repo.js";
import { createSweepRepo } from "./sweep-repo.js";

function reposFor(db: Kysely<Database> | Transaction<Database>, dialect: Store["dialect"]): StoreRepos {
  const metrics = createMetricRepo(db, dialect);
  const artifacts = createArtifactRepo(db);
  const logs = createLogRepo(db);
  const runs = createRunRepo(db, {
    search: createRunSearch(db as Kysely<Database>, dialect),
    purgeMetrics: async (runId) => {
      await metrics.purgeRun(runId);
      await artifacts.purgeRun(runId, Date.now());
      await logs.purgeRun(runId);
    },
  });
  const projectRepo = createProjectRepo(db, (runId) => runs.purge(runId));
  const projects: StoreRepos["projects"] = {
    ...projectRepo,
    async purge(id) {
      await projectRepo.purge(id);
      await artifacts.purgeProject(id, Date.now());
    },
  };
  return {
    projects,
    runs,
    metrics,
    dashboard: createDashboardRepos(db, dialect),
    artifacts,
    logs,
    registry: createRegistryRepo(db, dialect),
    queue: createQueueRepo(db, dialect),
    sweeps: createSweepRepo(db),
    mlflow: createMlflowRepo(db),
  };
}

/** The one Store implementation, for SQLite and PostgreSQL alike. Runs migrations first. */
export async function createKyselyStore(opened: OpenedDatabase): Promise<Store> {
  const { db, dialect } = opened;
  await migrateToLatest(db as Kysely<unknown>, dialect);
  const repos = reposFor(db, dialect);
  return {
    dialect,
    ...repos,
    transaction: (fn) => db.transaction().execute((trx) => fn(reposFor(trx, dialect))),
    close: () => db.destroy(),
  };
}
