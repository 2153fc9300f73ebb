import { type Kysely, type Migration, sql } from "kysely";

/**
 * The per-project key registry (storage/kysely/key-registry.ts): every config path (per value
 * type), tag key and metric key of a project with the number of live runs that have it, kept
 * on write so that the key catalogue reads a few index rows instead of grouping the side
 * tables of every run. `value_type` is "" for tags and metrics. Existing data is backfilled
 * with one grouped insert per kind. Also two indexes for the values of one config path.
 */
export function projectKeysMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("project_keys")
        .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value_type", "text", (c) => c.notNull())
        .addColumn("runs", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("project_keys_pk", ["project_id", "kind", "key", "value_type"])
        .execute();

      await sql`insert into project_keys (project_id, kind, key, value_type, runs)
        select r.project_id, 'config', s.path, s.value_type, count(*)
        from run_config s join runs r on r.id = s.run_id
        where r.deleted_at is null
        group by r.project_id, s.path, s.value_type`.execute(db);
      await sql`insert into project_keys (project_id, kind, key, value_type, runs)
        select r.project_id, 'tag', s.key, '', count(*)
        from run_tags s join runs r on r.id = s.run_id
        where r.deleted_at is null
        group by r.project_id, s.key`.execute(db);
      await sql`insert into project_keys (project_id, kind, key, value_type, runs)
        select r.project_id, 'metric', s.key, '', count(*)
        from metric_series s join runs r on r.id = s.run_id
        where r.deleted_at is null
        group by r.project_id, s.key`.execute(db);

      // The values of one config path (GET …/keys/values): grouped from this covering index
      // alone when every row of the path belongs to live runs of the project, and otherwise
      // joined to runs through the small (id, project_id, deleted_at) index instead of the table.
      await db.schema
        .createIndex("run_config_path_values")
        .on("run_config")
        .columns(["path", "value_type", "num_value", "str_value", "run_id"])
        .execute();
      await db.schema.createIndex("runs_id_live").on("runs").columns(["id", "project_id", "deleted_at"]).execute();
    },
  };
}
