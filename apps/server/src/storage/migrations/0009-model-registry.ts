import type { Kysely, Migration } from "kysely";

/**
 * The model registry (docs/registry.md): registered models, numbered versions that point at a
 * run's artifact (a file or a folder), version/model tags, aliases and stages. The files (path,
 * digest) a version pins are listed in `model_version_files`; artifact garbage collection counts them as
 * references, so a registered version's bytes outlive its run. No foreign key to runs: a purged
 * run leaves its versions (and their bytes) intact.
 */
export function modelRegistryMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("registered_models")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("next_version", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("deleted_at", "bigint")
        .execute();

      await db.schema
        .createTable("registered_model_tags")
        .addColumn("model_id", "text", (c) => c.notNull().references("registered_models.id").onDelete("cascade"))
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("registered_model_tags_pk", ["model_id", "key"])
        .execute();

      await db.schema
        .createTable("model_versions")
        .addColumn("model_id", "text", (c) => c.notNull().references("registered_models.id").onDelete("cascade"))
        .addColumn("version", "bigint", (c) => c.notNull())
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("project_id", "text")
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("sha256", "text")
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("file_count", "bigint", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("stage", "text", (c) => c.notNull())
        .addColumn("metrics_json", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("model_versions_pk", ["model_id", "version"])
        .execute();
      await db.schema.createIndex("model_versions_run").on("model_versions").column("run_id").execute();

      await db.schema
        .createTable("model_version_tags")
        .addColumn("model_id", "text", (c) => c.notNull())
        .addColumn("version", "bigint", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("model_version_tags_pk", ["model_id", "version", "key"])
        .execute();

      await db.schema
        .createTable("model_version_files")
        .addColumn("model_id", "text", (c) => c.notNull())
        .addColumn("version", "bigint", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("model_version_files_pk", ["model_id", "version", "path"])
        .execute();
      await db.schema.createIndex("model_version_files_sha").on("model_version_files").column("sha256").execute();

      await db.schema
        .createTable("model_aliases")
        .addColumn("model_id", "text", (c) => c.notNull())
        .addColumn("alias", "text", (c) => c.notNull())
        .addColumn("version", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("model_aliases_pk", ["model_id", "alias"])
        .execute();
    },
  };
}
