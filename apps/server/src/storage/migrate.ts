import { LooplabError } from "@looplab/core";
import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import type { SqlDialectName } from "./dialect.js";
import { coreMigration } from "./migrations/0001-core.js";
import { metricChunksMigration } from "./migrations/0002-metric-chunks.js";
import { artifactsMigration } from "./migrations/0003-artifacts.js";
import { savedViewsMigration } from "./migrations/0004-saved-views.js";
import { projectKeysMigration } from "./migrations/0005-project-keys.js";
import { queueMigration } from "./migrations/0006-queue.js";
import { runLogsMigration } from "./migrations/0007-run-logs.js";
import { sweepsMigration } from "./migrations/0008-sweeps.js";
import { modelRegistryMigration } from "./migrations/0009-model-registry.js";
import { mlflowMigration } from "./migrations/0010-mlflow.js";
import { partChecksumsMigration } from "./migrations/0011-part-checksums.js";

/** Numbered, forward-only migrations; one set for both dialects (DESIGN.md §10). */
export function migrationsFor(dialect: SqlDialectName): Record<string, Migration> {
  return {
    "0001-core": coreMigration(dialect),
    "0002-metric-chunks": metricChunksMigration(dialect),
    "0003-artifacts": artifactsMigration(dialect),
    "0004-saved-views": savedViewsMigration(),
    "0005-project-keys": projectKeysMigration(),
    "0006-queue": queueMigration(),
    "0007-run-logs": runLogsMigration(),
    "0008-sweeps": sweepsMigration(),
    "0009-model-registry": modelRegistryMigration(),
    "0010-mlflow": mlflowMigration(),
    "0011-part-checksums": partChecksumsMigration(),
  };
}

/** Runs pending migrations. Kysely's migrator holds a lock so concurrent starts are safe. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: SqlDialectName): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialect) };
  const migrator = new Migrator({ db, provider, migrationTableName: "looplab_migrations" });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new LooplabError("INTERNAL", `migration ${failed} failed: ${String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
