import type { Kysely, Migration } from "kysely";

/**
 * Sweeps and their trials (storage/kysely/sweep-repo.ts). A trial row is written before its job
 * is queued (job_id null), so a controller that stops between the two finds it and never queues a
 * second run for the same trial number; `(sweep_id, number)` is the primary key.
 */
export function sweepsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("sweeps")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("spec_json", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("ended_at", "bigint")
        .addColumn("lease_owner", "text")
        .addColumn("lease_until", "bigint", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex("sweeps_state_idx").on("sweeps").columns(["state", "created_at"]).execute();
      await db.schema.createIndex("sweeps_project_idx").on("sweeps").columns(["project_id", "created_at"]).execute();
      await db.schema
        .createTable("sweep_trials")
        .addColumn("sweep_id", "text", (c) => c.notNull().references("sweeps.id").onDelete("cascade"))
        .addColumn("number", "integer", (c) => c.notNull())
        .addColumn("params_json", "text", (c) => c.notNull())
        .addColumn("job_id", "text")
        .addColumn("run_id", "text")
        .addColumn("checked_step", "double precision")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("sweep_trials_pk", ["sweep_id", "number"])
        .execute();
    },
  };
}
