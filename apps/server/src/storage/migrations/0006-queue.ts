import type { Kysely, Migration } from "kysely";

/**
 * The queue (docs/queue.md, DESIGN.md §7): jobs (each tied to one run), agents and named queues
 * with concurrency limits. JSON is stored as text; times are epoch milliseconds. `sweep_id` has no
 * foreign key (sweeps come in a later migration). `gpus`/`cpus` are the job's resources as columns
 * so claims can filter on them; `seq` orders jobs created in the same millisecond (a grid).
 */
export function queueMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("jobs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("run_id", "text", (c) => c.notNull().unique().references("runs.id").onDelete("cascade"))
        .addColumn("project_id", "text", (c) => c.notNull())
        .addColumn("queue", "text", (c) => c.notNull())
        .addColumn("command_json", "text", (c) => c.notNull())
        .addColumn("config_json", "text", (c) => c.notNull())
        .addColumn("gpus", "integer", (c) => c.notNull())
        .addColumn("cpus", "integer", (c) => c.notNull())
        .addColumn("priority", "integer", (c) => c.notNull())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("max_attempts", "integer", (c) => c.notNull())
        .addColumn("cancel_requested", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("cancel_reason", "text")
        .addColumn("outcome", "text")
        .addColumn("agent_id", "text")
        .addColumn("lost_agent_id", "text")
        .addColumn("gpu_indices_json", "text", (c) => c.notNull())
        .addColumn("lease_expires_at", "bigint")
        .addColumn("exit_code", "integer")
        .addColumn("error", "text")
        .addColumn("sweep_id", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("started_at", "bigint")
        .addColumn("ended_at", "bigint")
        .execute();
      await db.schema
        .createIndex("jobs_claim")
        .on("jobs")
        .columns(["state", "queue", "priority desc", "created_at", "seq"])
        .execute();
      await db.schema.createIndex("jobs_lease").on("jobs").columns(["state", "lease_expires_at"]).execute();
      await db.schema.createIndex("jobs_agent").on("jobs").columns(["agent_id", "state"]).execute();
      await db.schema.createIndex("jobs_lost_agent").on("jobs").columns(["lost_agent_id"]).execute();
      await db.schema.createIndex("jobs_created").on("jobs").columns(["created_at", "id"]).execute();
      await db.schema.createIndex("jobs_sweep").on("jobs").columns(["sweep_id"]).execute();

      await db.schema
        .createTable("agents")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("host", "text", (c) => c.notNull())
        .addColumn("queues_json", "text", (c) => c.notNull())
        .addColumn("gpus_json", "text", (c) => c.notNull())
        .addColumn("cpu_slots", "integer", (c) => c.notNull())
        .addColumn("labels_json", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("registered_at", "bigint", (c) => c.notNull())
        .addColumn("heartbeat_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("queues")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("concurrency_limit", "integer")
        .execute();
    },
  };
}
