import type { Kysely, Transaction } from "kysely";
import type { SavedViewRecord, ViewRepo } from "../../ports/dashboard-store.js";
import type { Database } from "../database.js";

/** The table of migration 0004-saved-views. */
export interface SavedViewsTable {
  project_id: string;
  name: string;
  state_json: string;
  created_at: number;
  updated_at: number;
}

type Executor = Kysely<Database> | Transaction<Database>;

function fromRow(row: SavedViewsTable): SavedViewRecord {
  return {
    name: row.name,
    state: JSON.parse(row.state_json) as Record<string, string>,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function createViewRepo(executor: Executor): ViewRepo {
  const db = executor.withTables<{ saved_views: SavedViewsTable }>();
  const get = async (projectId: string, name: string) => {
    const row = await db
      .selectFrom("saved_views")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("name", "=", name)
      .executeTakeFirst();
    return row ? fromRow(row) : null;
  };
  return {
    async list(projectId) {
      const rows = await db
        .selectFrom("saved_views")
        .selectAll()
        .where("project_id", "=", projectId)
        .orderBy("name")
        .execute();
      return rows.map(fromRow);
    },
    get,
    async create(projectId, view) {
      const inserted = await db
        .insertInto("saved_views")
        .values({
          project_id: projectId,
          name: view.name,
          state_json: JSON.stringify(view.state),
          created_at: view.createdAt,
          updated_at: view.updatedAt,
        })
        .onConflict((oc) => oc.columns(["project_id", "name"]).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async put(projectId, view) {
      await db
        .insertInto("saved_views")
        .values({
          project_id: projectId,
          name: view.name,
          state_json: JSON.stringify(view.state),
          created_at: view.createdAt,
          updated_at: view.updatedAt,
        })
        .onConflict((oc) =>
          oc
            .columns(["project_id", "name"])
            .doUpdateSet({ state_json: JSON.stringify(view.state), updated_at: view.updatedAt }),
        )
        .execute();
      return (await get(projectId, view.name)) as SavedViewRecord;
    },
    async delete(projectId, name) {
      const result = await db
        .deleteFrom("saved_views")
        .where("project_id", "=", projectId)
        .where("name", "=", name)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
