import type { ColumnDefinitionBuilder, Kysely, Migration } from "kysely";
import type { SqlDialectName } from "../dialect.js";

/**
 * Artifacts (docs/artifacts.md): content-addressed blobs, per-run artifact records, resumable
 * upload sessions and their parts, lineage edges, retention policies and project quotas.
 * A blob's references are computed (artifacts not collected that name it), never counted, so
 * they cannot drift; `released_at` marks when a reference last went away (GC grace period).
 */
export function artifactsMigration(dialect: SqlDialectName): Migration {
  const serial = dialect === "postgres" ? "bigserial" : "integer";
  const serialKey = (c: ColumnDefinitionBuilder) =>
    dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement();
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("artifact_blobs")
        .addColumn("sha256", "text", (c) => c.primaryKey())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("released_at", "bigint")
        .execute();

      await db.schema
        .createTable("artifacts")
        .addColumn("id", serial, serialKey)
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("project_id", "text", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("step", "bigint")
        .addColumn("metrics_json", "text")
        .addColumn("metadata_json", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("deleted_at", "bigint")
        .addColumn("collected_at", "bigint")
        .addUniqueConstraint("artifacts_run_path", ["run_id", "path"])
        .execute();
      await db.schema.createIndex("artifacts_sha256").on("artifacts").columns(["sha256"]).execute();
      await db.schema.createIndex("artifacts_project").on("artifacts").columns(["project_id"]).execute();
      await db.schema
        .createIndex("artifacts_run_type_step")
        .on("artifacts")
        .columns(["run_id", "type", "step"])
        .execute();

      await db.schema
        .createTable("artifact_uploads")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("project_id", "text", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("step", "bigint")
        .addColumn("metrics_json", "text")
        .addColumn("metadata_json", "text")
        .addColumn("overwrite", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("part_size", "bigint", (c) => c.notNull())
        .addColumn("part_count", "integer", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("completed_at", "bigint")
        .execute();
      await db.schema
        .createIndex("artifact_uploads_state_expiry")
        .on("artifact_uploads")
        .columns(["state", "expires_at"])
        .execute();
      await db.schema.createIndex("artifact_uploads_run").on("artifact_uploads").columns(["run_id"]).execute();

      await db.schema
        .createTable("artifact_upload_parts")
        .addColumn("upload_id", "text", (c) => c.notNull().references("artifact_uploads.id").onDelete("cascade"))
        .addColumn("part_number", "integer", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("received_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("artifact_upload_parts_pk", ["upload_id", "part_number"])
        .execute();

      await db.schema
        .createTable("artifact_lineage")
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("source_run_id", "text")
        .addColumn("source_path", "text")
        .addColumn("role", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("artifact_lineage_pk", ["run_id", "sha256"])
        .execute();
      await db.schema
        .createIndex("artifact_lineage_sha256")
        .on("artifact_lineage")
        .columns(["sha256", "run_id"])
        .execute();

      await db.schema
        .createTable("retention_policies")
        .addColumn("scope", "text", (c) => c.notNull())
        .addColumn("scope_id", "text", (c) => c.notNull())
        .addColumn("keep_last", "integer", (c) => c.notNull())
        .addColumn("keep_best", "integer", (c) => c.notNull())
        .addColumn("metric", "text")
        .addColumn("direction", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("retention_policies_pk", ["scope", "scope_id"])
        .execute();

      await db.schema
        .createTable("artifact_quotas")
        .addColumn("project_id", "text", (c) => c.primaryKey())
        .addColumn("quota_bytes", "bigint", (c) => c.notNull())
        .execute();
    },
  };
}
