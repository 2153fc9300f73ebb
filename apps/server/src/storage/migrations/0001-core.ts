import { type ColumnDefinitionBuilder, type Kysely, type Migration, sql } from "kysely";
import type { SqlDialectName } from "../dialect.js";

export function coreMigration(dialect: SqlDialectName): Migration {
  const serial = dialect === "postgres" ? "bigserial" : "integer";
  // PostgreSQL's bigserial is the auto-increment; SQLite needs the keyword on its integer key.
  const serialKey = (c: ColumnDefinitionBuilder) =>
    dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement();
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("projects")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("deleted_at", "bigint")
        .execute();

      await db.schema
        .createTable("metric_definitions")
        .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("goal", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("metric_definitions_pk", ["project_id", "key"])
        .execute();

      await db.schema
        .createTable("runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("origin", "text", (c) => c.notNull())
        .addColumn("group_name", "text")
        .addColumn("notes", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("config_json", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("started_at", "bigint")
        .addColumn("ended_at", "bigint")
        .addColumn("heartbeat_at", "bigint")
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("deleted_at", "bigint")
        .addColumn("host", "text")
        .addColumn("command", "text")
        .addColumn("git_json", "text")
        .addColumn("environment_json", "text")
        .addColumn("parent_run_id", "text")
        .addColumn("resumed_from", "text")
        .execute();
      await db.schema.createIndex("runs_project_created").on("runs").columns(["project_id", "created_at"]).execute();
      await db.schema.createIndex("runs_status_heartbeat").on("runs").columns(["status", "heartbeat_at"]).execute();

      await db.schema
        .createTable("run_tags")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("run_tags_pk", ["run_id", "key"])
        .execute();
      await db.schema.createIndex("run_tags_key_value").on("run_tags").columns(["key", "value"]).execute();

      await db.schema
        .createTable("run_config")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("value_type", "text", (c) => c.notNull())
        .addColumn("num_value", "double precision")
        .addColumn("str_value", "text")
        .addPrimaryKeyConstraint("run_config_pk", ["run_id", "path"])
        .execute();
      await db.schema.createIndex("run_config_path_num").on("run_config").columns(["path", "num_value"]).execute();
      await db.schema.createIndex("run_config_path_str").on("run_config").columns(["path", "str_value"]).execute();

      await db.schema
        .createTable("config_history")
        .addColumn("id", serial, serialKey)
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
        .addColumn("at", "bigint", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("changes_json", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("config_history_run").on("config_history").columns(["run_id", "id"]).execute();

      await db.schema
        .createTable("metric_series")
        .addColumn("id", serial, serialKey)
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("count", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("nan_count", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("finite_count", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("finite_sum", "double precision", (c) => c.notNull().defaultTo(0))
        .addColumn("min_value", "double precision")
        .addColumn("max_value", "double precision")
        .addColumn("last_step", "double precision")
        .addColumn("last_time", "bigint")
        .addColumn("last_value", "double precision")
        .addColumn("last_kind", "integer", (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint("metric_series_run_key", ["run_id", "key"])
        .execute();
      await db.schema.createIndex("metric_series_key_max").on("metric_series").columns(["key", "max_value"]).execute();
      await db.schema.createIndex("metric_series_key_min").on("metric_series").columns(["key", "min_value"]).execute();
      await db.schema
        .createIndex("metric_series_key_last")
        .on("metric_series")
        .columns(["key", "last_value"])
        .execute();
      // The search orders `.mean` by exactly this expression (storage/search/field-sql.ts).
      await sql`create index metric_series_key_mean on metric_series (key, (finite_sum / nullif(finite_count, 0)))`.execute(
        db,
      );

      await db.schema
        .createTable("ingest_batches")
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
        .addColumn("batch_id", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("ingest_batches_pk", ["run_id", "batch_id"])
        .execute();
    },
  };
}
