import { type Kysely, sql, type Transaction } from "kysely";
import type {
  ModelSearchRequest,
  ModelVersionRecord,
  RegistryRepo,
  VersionSearchRequest,
} from "../../ports/registry-repo.js";
import type { Database } from "../database.js";
import type { SqlDialectName } from "../dialect.js";
import { textCondition } from "./registry-conditions.js";
import { createRegistryLabelRepo } from "./registry-label-repo.js";
import { modelFromRow, versionFromRow, versionToRow } from "./registry-rows.js";

type Executor = Kysely<Database> | Transaction<Database>;

const modelOrderColumn = { name: "m.name", createdAt: "m.created_at", updatedAt: "m.updated_at" } as const;
const versionOrderColumn = {
  name: "m.name",
  version: "v.version",
  createdAt: "v.created_at",
  updatedAt: "v.updated_at",
} as const;

/** The model registry for SQLite and PostgreSQL alike (migration 0009-model-registry). */
export function createRegistryRepo(db: Executor, dialect: SqlDialectName): RegistryRepo {
  async function releaseBlobs(shas: string[], now: number): Promise<void> {
    if (shas.length === 0) return;
    await db.updateTable("artifact_blobs").set({ released_at: now }).where("sha256", "in", shas).execute();
  }

  async function pinnedOf(modelId: string, version: number): Promise<string[]> {
    const rows = await db
      .selectFrom("model_version_files")
      .select("sha256")
      .distinct()
      .where("model_id", "=", modelId)
      .where("version", "=", version)
      .execute();
    return rows.map((r) => r.sha256);
  }
  const fileFromRow = (r: { path: string; sha256: string; size: unknown }) => ({
    path: r.path,
    sha256: r.sha256,
    size: Number(r.size),
  });

  return {
    async insertModel(r) {
      await db
        .insertInto("registered_models")
        .values({
          id: r.id,
          name: r.name,
          description: r.description,
          next_version: 1,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
          deleted_at: r.deletedAt,
        })
        .execute();
    },
    async getModelByName(name) {
      const row = await db.selectFrom("registered_models").selectAll().where("name", "=", name).executeTakeFirst();
      return row ? modelFromRow(row) : null;
    },
    async getModelsByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom("registered_models").selectAll().where("id", "in", ids).execute();
      return rows.map(modelFromRow);
    },
    async searchModels(request: ModelSearchRequest) {
      let query = db.selectFrom("registered_models as m").selectAll("m");
      if (!request.includeDeleted) query = query.where("m.deleted_at", "is", null);
      for (const c of request.name) query = query.where(textCondition(dialect, sql.ref("m.name"), c));
      for (const t of request.tags) {
        query = query.where(({ exists, selectFrom }) =>
          exists(
            selectFrom("registered_model_tags as t")
              .select(sql`1`.as("one"))
              .whereRef("t.model_id", "=", "m.id")
              .where("t.key", "=", t.key)
              .where(textCondition(dialect, sql.ref("t.value"), t)),
          ),
        );
      }
      for (const o of request.orderBy) query = query.orderBy(modelOrderColumn[o.field], o.desc ? "desc" : "asc");
      query = query.orderBy("m.name", "asc");
      const rows = await query.offset(request.offset).limit(request.limit).execute();
      return rows.map(modelFromRow);
    },
    async updateModel(id, patch) {
      const values: Record<string, unknown> = {};
      if (patch.name !== undefined) values.name = patch.name;
      if (patch.description !== undefined) values.description = patch.description;
      if (patch.updatedAt !== undefined) values.updated_at = patch.updatedAt;
      if (patch.deletedAt !== undefined) values.deleted_at = patch.deletedAt;
      if (Object.keys(values).length === 0) return;
      await db.updateTable("registered_models").set(values).where("id", "=", id).execute();
    },
    async purgeModel(id, now) {
      const pins = await db
        .selectFrom("model_version_files")
        .select("sha256")
        .distinct()
        .where("model_id", "=", id)
        .execute();
      await db.deleteFrom("model_version_files").where("model_id", "=", id).execute();
      await releaseBlobs([...new Set(pins.map((p) => p.sha256))], now);
      await db.deleteFrom("model_aliases").where("model_id", "=", id).execute();
      await db.deleteFrom("model_version_tags").where("model_id", "=", id).execute();
      await db.deleteFrom("model_versions").where("model_id", "=", id).execute();
      await db.deleteFrom("registered_model_tags").where("model_id", "=", id).execute();
      await db.deleteFrom("registered_models").where("id", "=", id).execute();
    },

    async nextVersion(modelId) {
      const row = await db
        .updateTable("registered_models")
        .set((eb) => ({ next_version: eb("next_version", "+", 1) }))
        .where("id", "=", modelId)
        .returning("next_version")
        .executeTakeFirstOrThrow();
      return Number(row.next_version) - 1;
    },
    async insertVersion(record, files) {
      await db.insertInto("model_versions").values(versionToRow(record)).execute();
      for (let i = 0; i < files.length; i += 200) {
        await db
          .insertInto("model_version_files")
          .values(
            files.slice(i, i + 200).map((f) => ({
              model_id: record.modelId,
              version: record.version,
              path: f.path,
              sha256: f.sha256,
              size: f.size,
            })),
          )
          .execute();
      }
    },
    async getVersion(modelId, version) {
      const row = await db
        .selectFrom("model_versions")
        .selectAll()
        .where("model_id", "=", modelId)
        .where("version", "=", version)
        .executeTakeFirst();
      return row ? versionFromRow(row) : null;
    },
    async searchVersions(request: VersionSearchRequest) {
      let query = db
        .selectFrom("model_versions as v")
        .innerJoin("registered_models as m", "m.id", "v.model_id")
        .selectAll("v");
      if (!request.includeDeletedModels) query = query.where("m.deleted_at", "is", null);
      if (request.modelIds) {
        if (request.modelIds.length === 0) return [];
        query = query.where("v.model_id", "in", request.modelIds);
      }
      for (const c of request.name) query = query.where(textCondition(dialect, sql.ref("m.name"), c));
      for (const c of request.source) query = query.where(textCondition(dialect, sql.ref("v.source"), c));
      for (const r of request.runIds ?? []) {
        if (r.values.length === 0) {
          if (r.op === "IN") return [];
          continue;
        }
        query = query.where("v.run_id", r.op === "IN" ? "in" : "not in", r.values);
      }
      for (const c of request.version ?? []) query = query.where("v.version", c.op === "!=" ? "<>" : c.op, c.value);
      for (const t of request.tags) {
        query = query.where(({ exists, selectFrom }) =>
          exists(
            selectFrom("model_version_tags as t")
              .select(sql`1`.as("one"))
              .whereRef("t.model_id", "=", "v.model_id")
              .whereRef("t.version", "=", "v.version")
              .where("t.key", "=", t.key)
              .where(textCondition(dialect, sql.ref("t.value"), t)),
          ),
        );
      }
      for (const o of request.orderBy) query = query.orderBy(versionOrderColumn[o.field], o.desc ? "desc" : "asc");
      query = query.orderBy("m.name", "asc").orderBy("v.version", "desc");
      const rows = await query.offset(request.offset).limit(request.limit).execute();
      return rows.map(versionFromRow);
    },
    async latestVersions(modelIds) {
      const out = new Map<string, ModelVersionRecord>();
      if (modelIds.length === 0) return out;
      const rows = await db
        .selectFrom("model_versions as v")
        .selectAll("v")
        .where("v.model_id", "in", modelIds)
        .where(({ eb, selectFrom }) =>
          eb(
            "v.version",
            "=",
            selectFrom("model_versions as w")
              .select((w) => w.fn.max("w.version").as("top"))
              .whereRef("w.model_id", "=", "v.model_id"),
          ),
        )
        .execute();
      for (const row of rows) out.set(row.model_id, versionFromRow(row));
      return out;
    },
    async countVersions(modelIds) {
      const out = new Map<string, number>(modelIds.map((id) => [id, 0]));
      if (modelIds.length === 0) return out;
      const rows = await db
        .selectFrom("model_versions")
        .select((eb) => ["model_id", eb.fn.countAll().as("n")])
        .where("model_id", "in", modelIds)
        .groupBy("model_id")
        .execute();
      for (const r of rows) out.set(r.model_id, Number(r.n));
      return out;
    },
    async versionsInStage(modelId, stage) {
      const rows = await db
        .selectFrom("model_versions")
        .selectAll()
        .where("model_id", "=", modelId)
        .where("stage", "=", stage)
        .orderBy("version", "desc")
        .execute();
      return rows.map(versionFromRow);
    },
    async versionsOfRun(runId, limit) {
      const rows = await db
        .selectFrom("model_versions")
        .selectAll()
        .where("run_id", "=", runId)
        .orderBy("created_at")
        .orderBy("model_id")
        .limit(limit)
        .execute();
      return rows.map(versionFromRow);
    },
    async updateVersion(modelId, version, patch) {
      const values: Record<string, unknown> = {};
      if (patch.description !== undefined) values.description = patch.description;
      if (patch.stage !== undefined) values.stage = patch.stage;
      if (patch.updatedAt !== undefined) values.updated_at = patch.updatedAt;
      if (Object.keys(values).length === 0) return;
      await db
        .updateTable("model_versions")
        .set(values)
        .where("model_id", "=", modelId)
        .where("version", "=", version)
        .execute();
    },
    async deleteVersion(modelId, version, now) {
      const pins = await pinnedOf(modelId, version);
      await db
        .deleteFrom("model_version_files")
        .where("model_id", "=", modelId)
        .where("version", "=", version)
        .execute();
      await releaseBlobs(pins, now);
      await db.deleteFrom("model_aliases").where("model_id", "=", modelId).where("version", "=", version).execute();
      await db
        .deleteFrom("model_version_tags")
        .where("model_id", "=", modelId)
        .where("version", "=", version)
        .execute();
      await db.deleteFrom("model_versions").where("model_id", "=", modelId).where("version", "=", version).execute();
    },
    async versionFiles(modelId, version, afterPath, limit) {
      let query = db
        .selectFrom("model_version_files")
        .select(["path", "sha256", "size"])
        .where("model_id", "=", modelId)
        .where("version", "=", version);
      if (afterPath !== null) query = query.where("path", ">", afterPath);
      const rows = await query.orderBy("path").limit(limit).execute();
      return rows.map(fileFromRow);
    },
    async versionFile(modelId, version, path) {
      const row = await db
        .selectFrom("model_version_files")
        .select(["path", "sha256", "size"])
        .where("model_id", "=", modelId)
        .where("version", "=", version)
        .where("path", "=", path)
        .executeTakeFirst();
      return row ? fileFromRow(row) : null;
    },

    ...createRegistryLabelRepo(db),
  };
}
