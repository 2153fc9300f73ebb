import { type Kysely, type Migration, sql } from "kysely";
import type { SqlDialectName } from "../dialect.js";

/** The metric store's node tree and chunk data (see storage/metrics/metric-tables.ts). */
export function metricChunksMigration(dialect: SqlDialectName): Migration {
  const blob = dialect === "postgres" ? "bytea" : "blob";
  return {
    async up(db: Kysely<unknown>) {
      let nodes = db.schema
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
        .addPrimaryKeyConstraint("metric_nodes_pk", ["series_id", "node_no"]);
      // Small rows clustered by their key: one B-tree instead of a table plus an index.
      if (dialect === "sqlite") nodes = nodes.modifyEnd(sql`without rowid`);
      await nodes.execute();
      await db.schema
        .createIndex("metric_nodes_level_step")
        .on("metric_nodes")
        .columns(["series_id", "level", "first_step"])
        .execute();
      await db.schema.createIndex("metric_nodes_parent").on("metric_nodes").columns(["series_id", "parent_no"]).execute();

      await db.schema
        .createTable("metric_chunk_parts")
        .addColumn("series_id", "bigint", (c) => c.notNull().references("metric_series.id").onDelete("cascade"))
        .addColumn("node_no", "integer", (c) => c.notNull())
        .addColumn("part", "integer", (c) => c.notNull())
        .addColumn("data", blob, (c) => c.notNull())
        .addPrimaryKeyConstraint("metric_chunk_parts_pk", ["series_id", "node_no", "part"])
        .execute();
    },
  };
}
