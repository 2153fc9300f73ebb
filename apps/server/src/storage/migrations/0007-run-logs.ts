import type { Kysely, Migration } from "kysely";

/**
 * Run logs (docs/logs.md): a run's stdout/stderr lines with a per-run sequence number (1, 2, 3…,
 * gap-free). `run_log_heads` holds each run's last sequence number; an append bumps it in its
 * transaction (a row lock on PostgreSQL), so concurrent appends of one run never interleave or
 * leave gaps. `run_log_batches` remembers batch ids so a retried batch is stored once.
 */
export function runLogsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("run_log_lines")
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addColumn("stream", "text", (c) => c.notNull())
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("run_log_lines_pk", ["run_id", "seq"])
        .execute();
      await db.schema
        .createIndex("run_log_lines_stream")
        .on("run_log_lines")
        .columns(["run_id", "stream", "seq"])
        .execute();

      await db.schema
        .createTable("run_log_heads")
        .addColumn("run_id", "text", (c) => c.primaryKey())
        .addColumn("last_seq", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("run_log_batches")
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("batch_id", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("run_log_batches_pk", ["run_id", "batch_id"])
        .execute();
    },
  };
}
