import { type Kysely, type Migration, sql } from "kysely";
import type { SqlDialectName } from "../dialect.js";

/** The metric store's node tree and chunk data (see storage/metrics/metric-tables.ts). */
export function metricChunksMigration(dialect: SqlDialectName): Migration {
  const blob = dialect === "postgres" ? "bytea" : "blob";
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("metric_nodes")
        .addColumn("series_id", "bigint", (c) => c.notNull().references("metric_series.id").onDelete("cascade"))
        .addColumn("node_no", "integer", (c) => c.notNull())
        .addColumn("level", "integer", (c) => c.notNull())
        .addColumn("parent_no", "integer")
        .addColumn("first_step", "double precision", (c) => c.notNull())
        .addColumn("last_step", "double precision", (c) => c.notNull())
        .addColumn("children", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("parts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("is_tail", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("summary", blob, (c) => c.notNull())
        .addPrimaryKeyConstraint("metric_nodes_pk", ["series_id", "node_no"])
        // A rowid table on purpose: as WITHOUT ROWID its primary key looked covering to
        // SQLite's planner, which then scanned whole series instead of using the indexes below.
        .execute();
      // Covering for the downsampled read (a range of one level): SQLite then reads the
      // index alone, about 4× faster than fetching every row from the table.
      const covered = "series_id, level, first_step, last_step, node_no, summary";
      await sql
        .raw(
          dialect === "postgres"
            ? "create index metric_nodes_level_step on metric_nodes (series_id, level, first_step) include (last_step, node_no, summary)"
            : `create index metric_nodes_level_step on metric_nodes (${covered})`,
        )
        .execute(db);
      await db.schema
        .createIndex("metric_nodes_parent")
        .on("metric_nodes")
        .columns(["series_id", "parent_no"])
        .execute();

      await db.schema
        .createTable("metric_chunk_parts")
        .addColumn("series_id", "bigint", (c) => c.notNull().references("metric_series.id").onDelete("cascade"))
        .addColumn("node_no", "integer", (c) => c.notNull())
        .addColumn("part", "integer", (c) => c.notNull())
        // Before `data`, so reading it does not walk the data's overflow pages in SQLite.
        .addColumn("segments", blob, (c) => c.notNull())
        .addColumn("data", blob, (c) => c.notNull())
        .addPrimaryKeyConstraint("metric_chunk_parts_pk", ["series_id", "node_no", "part"])
        .execute();
    },
  };
}
