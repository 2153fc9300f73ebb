import type { Kysely, Migration } from "kysely";

/**
 * What the MLflow-compatible API needs and Looplab has no home for (docs/mlflow.md): experiment
 * ids and names (an experiment is a project; MLflow names allow characters project names do not,
 * and can be renamed), experiment tags, run inputs/outputs (datasets, models) and MLflow 3 logged
 * models. Runs, params (config), tags, metrics and artifacts stay in Looplab's own tables.
 */
export function mlflowMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("mlflow_experiments")
        .addColumn("experiment_id", "bigint", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("project_id", "text", (c) => c.notNull().unique())
        .addColumn("artifact_location", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("mlflow_experiment_tags")
        .addColumn("experiment_id", "bigint", (c) =>
          c.notNull().references("mlflow_experiments.experiment_id").onDelete("cascade"),
        )
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("mlflow_experiment_tags_pk", ["experiment_id", "key"])
        .execute();
      await db.schema
        .createTable("mlflow_run_io")
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("direction", "text", (c) => c.notNull())
        .addColumn("identity", "text", (c) => c.notNull())
        .addColumn("payload_json", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("mlflow_run_io_pk", ["run_id", "direction", "identity"])
        .execute();
      await db.schema
        .createTable("mlflow_logged_models")
        .addColumn("model_id", "text", (c) => c.primaryKey())
        .addColumn("experiment_id", "bigint", (c) => c.notNull())
        .addColumn("run_id", "text")
        .addColumn("payload_json", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("deleted_at", "bigint")
        .execute();
      await db.schema
        .createIndex("mlflow_logged_models_experiment")
        .on("mlflow_logged_models")
        .columns(["experiment_id", "created_at"])
        .execute();
    },
  };
}
