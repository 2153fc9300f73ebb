import type { Kysely, Transaction } from "kysely";
import type { MetricDefinitionRecord, ProjectRecord, ProjectRepo } from "../../ports/store.js";
import type { Database } from "../database.js";
import type { ProjectsTable } from "../db-schema.js";

type Executor = Kysely<Database> | Transaction<Database>;

function toRecord(row: ProjectsTable): ProjectRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
  };
}

export function createProjectRepo(db: Executor, purgeRun: (runId: string) => Promise<void>): ProjectRepo {
  return {
    async create(record) {
      await db
        .insertInto("projects")
        .values({
          id: record.id,
          name: record.name,
          description: record.description,
          created_at: record.createdAt,
          updated_at: record.updatedAt,
          deleted_at: record.deletedAt,
        })
        .execute();
    },
    async getByName(name) {
      const row = await db.selectFrom("projects").selectAll().where("name", "=", name).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async getById(id) {
      const row = await db.selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async list({ offset, limit, includeDeleted }) {
      let query = db.selectFrom("projects").selectAll();
      if (!includeDeleted) query = query.where("deleted_at", "is", null);
      const rows = await query.orderBy("name").limit(limit).offset(offset).execute();
      return rows.map(toRecord);
    },
    async update(id, patch) {
      const values: Partial<ProjectsTable> = {};
      if (patch.description !== undefined) values.description = patch.description;
      if (patch.updatedAt !== undefined) values.updated_at = patch.updatedAt;
      if (patch.deletedAt !== undefined) values.deleted_at = patch.deletedAt;
      if (Object.keys(values).length === 0) return;
      await db.updateTable("projects").set(values).where("id", "=", id).execute();
    },
    async countRuns(projectIds) {
      const counts = new Map<string, number>(projectIds.map((id) => [id, 0]));
      if (projectIds.length === 0) return counts;
      const rows = await db
        .selectFrom("runs")
        .select(["project_id", (eb) => eb.fn.countAll<number>().as("n")])
        .where("project_id", "in", projectIds)
        .where("deleted_at", "is", null)
        .groupBy("project_id")
        .execute();
      for (const row of rows) counts.set(row.project_id, Number(row.n));
      return counts;
    },
    async listMetricDefinitions(projectId) {
      const rows = await db
        .selectFrom("metric_definitions")
        .select(["key", "goal"])
        .where("project_id", "=", projectId)
        .orderBy("key")
        .execute();
      return rows.map((r): MetricDefinitionRecord => ({ key: r.key, goal: r.goal }));
    },
    async putMetricDefinition(projectId, def) {
      await db
        .insertInto("metric_definitions")
        .values({ project_id: projectId, key: def.key, goal: def.goal })
        .onConflict((oc) => oc.columns(["project_id", "key"]).doUpdateSet({ goal: def.goal }))
        .execute();
    },
    async deleteMetricDefinition(projectId, key) {
      const result = await db
        .deleteFrom("metric_definitions")
        .where("project_id", "=", projectId)
        .where("key", "=", key)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async purge(id) {
      const runs = await db.selectFrom("runs").select("id").where("project_id", "=", id).execute();
      for (const run of runs) await purgeRun(run.id);
      await db.deleteFrom("metric_definitions").where("project_id", "=", id).execute();
      await db.deleteFrom("projects").where("id", "=", id).execute();
    },
  };
}
