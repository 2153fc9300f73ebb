import type { Kysely, Migration } from "kysely";

/** Saved dashboard views: a named URL state per project (storage/kysely/view-repo.ts). */
export function savedViewsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("saved_views")
        .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("state_json", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("saved_views_pk", ["project_id", "name"])
        .execute();
    },
  };
}
