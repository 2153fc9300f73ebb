import type { Kysely, Transaction } from "kysely";
import type {
  MlflowExperimentRecord,
  MlflowLoggedModelRecord,
  MlflowRepo,
  MlflowRunIoRecord,
} from "../../ports/mlflow-repo.js";
import type { Database } from "../database.js";

type Executor = Kysely<Database> | Transaction<Database>;

interface ExperimentRow {
  experiment_id: number | string;
  name: string;
  project_id: string;
  artifact_location: string;
}

const experimentFromRow = (r: ExperimentRow): MlflowExperimentRecord => ({
  experimentId: Number(r.experiment_id),
  name: r.name,
  projectId: r.project_id,
  artifactLocation: r.artifact_location,
});

interface LoggedModelRow {
  model_id: string;
  experiment_id: number | string;
  run_id: string | null;
  payload_json: string;
  created_at: number | string;
  updated_at: number | string;
  deleted_at: number | string | null;
}

const loggedModelFromRow = (r: LoggedModelRow): MlflowLoggedModelRecord => ({
  modelId: r.model_id,
  experimentId: Number(r.experiment_id),
  runId: r.run_id,
  payload: JSON.parse(r.payload_json) as Record<string, unknown>,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  deletedAt: r.deleted_at === null ? null : Number(r.deleted_at),
});

/** MLflow-only tables (migration 0010-mlflow) for SQLite and PostgreSQL alike. */
export function createMlflowRepo(db: Executor): MlflowRepo {
  const experiments = () => db.selectFrom("mlflow_experiments").selectAll();
  return {
    async createExperiment(record) {
      let id = record.experimentId;
      if (id === undefined) {
        const row = await db
          .selectFrom("mlflow_experiments")
          .select((eb) => eb.fn.max("experiment_id").as("max"))
          .executeTakeFirst();
        id = Math.max(0, Number(row?.max ?? 0)) + 1;
      }
      await db
        .insertInto("mlflow_experiments")
        .values({
          experiment_id: id,
          name: record.name,
          project_id: record.projectId,
          artifact_location: record.artifactLocation,
        })
        .execute();
      return id;
    },
    async getExperiment(experimentId) {
      const row = await experiments().where("experiment_id", "=", experimentId).executeTakeFirst();
      return row ? experimentFromRow(row) : null;
    },
    async getExperimentByName(name) {
      const row = await experiments().where("name", "=", name).executeTakeFirst();
      return row ? experimentFromRow(row) : null;
    },
    async getExperimentByProject(projectId) {
      const row = await experiments().where("project_id", "=", projectId).executeTakeFirst();
      return row ? experimentFromRow(row) : null;
    },
    async getExperimentsByProjects(projectIds) {
      if (projectIds.length === 0) return [];
      const rows = await experiments().where("project_id", "in", projectIds).execute();
      return rows.map(experimentFromRow);
    },
    async listExperiments() {
      const rows = await experiments().orderBy("experiment_id").execute();
      return rows.map(experimentFromRow);
    },
    async renameExperiment(experimentId, name) {
      await db.updateTable("mlflow_experiments").set({ name }).where("experiment_id", "=", experimentId).execute();
    },
    async setExperimentTag(experimentId, key, value) {
      await db
        .insertInto("mlflow_experiment_tags")
        .values({ experiment_id: experimentId, key, value })
        .onConflict((oc) => oc.columns(["experiment_id", "key"]).doUpdateSet({ value }))
        .execute();
    },
    async deleteExperimentTag(experimentId, key) {
      const result = await db
        .deleteFrom("mlflow_experiment_tags")
        .where("experiment_id", "=", experimentId)
        .where("key", "=", key)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async listExperimentTags(experimentIds) {
      const out = new Map<number, Record<string, string>>();
      if (experimentIds.length === 0) return out;
      const rows = await db
        .selectFrom("mlflow_experiment_tags")
        .selectAll()
        .where("experiment_id", "in", experimentIds)
        .orderBy("key")
        .execute();
      for (const r of rows) {
        const id = Number(r.experiment_id);
        const tags = out.get(id) ?? {};
        tags[r.key] = r.value;
        out.set(id, tags);
      }
      return out;
    },
    async addRunIo(records: MlflowRunIoRecord[]) {
      if (records.length === 0) return;
      await db
        .insertInto("mlflow_run_io")
        .values(
          records.map((r) => ({
            run_id: r.runId,
            direction: r.direction,
            identity: r.identity,
            payload_json: JSON.stringify(r.payload),
            created_at: r.createdAt,
          })),
        )
        .onConflict((oc) => oc.columns(["run_id", "direction", "identity"]).doNothing())
        .execute();
    },
    async listRunIo(runIds) {
      if (runIds.length === 0) return [];
      const rows = await db
        .selectFrom("mlflow_run_io")
        .selectAll()
        .where("run_id", "in", runIds)
        .orderBy("created_at")
        .orderBy("identity")
        .execute();
      return rows.map((r) => ({
        runId: r.run_id,
        direction: r.direction as MlflowRunIoRecord["direction"],
        identity: r.identity,
        payload: JSON.parse(r.payload_json) as unknown,
        createdAt: Number(r.created_at),
      }));
    },
    async putLoggedModel(record) {
      const row = {
        model_id: record.modelId,
        experiment_id: record.experimentId,
        run_id: record.runId,
        payload_json: JSON.stringify(record.payload),
        created_at: record.createdAt,
        updated_at: record.updatedAt,
        deleted_at: record.deletedAt,
      };
      await db
        .insertInto("mlflow_logged_models")
        .values(row)
        .onConflict((oc) =>
          oc.column("model_id").doUpdateSet({
            payload_json: row.payload_json,
            updated_at: row.updated_at,
            deleted_at: row.deleted_at,
          }),
        )
        .execute();
    },
    async getLoggedModel(modelId) {
      const row = await db
        .selectFrom("mlflow_logged_models")
        .selectAll()
        .where("model_id", "=", modelId)
        .executeTakeFirst();
      return row ? loggedModelFromRow(row) : null;
    },
    async listLoggedModels(experimentIds, offset, limit) {
      if (experimentIds.length === 0) return [];
      const rows = await db
        .selectFrom("mlflow_logged_models")
        .selectAll()
        .where("experiment_id", "in", experimentIds)
        .where("deleted_at", "is", null)
        .orderBy("created_at", "desc")
        .orderBy("model_id")
        .offset(offset)
        .limit(limit)
        .execute();
      return rows.map(loggedModelFromRow);
    },
  };
}
