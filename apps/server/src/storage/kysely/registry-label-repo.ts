import type { Kysely, Transaction } from "kysely";
import type { RegistryRepo } from "../../ports/registry-repo.js";
import type { Database } from "../database.js";
import { versionKey } from "./registry-rows.js";

type Executor = Kysely<Database> | Transaction<Database>;

export type RegistryLabelRepo = Pick<
  RegistryRepo,
  | "setModelTags"
  | "deleteModelTags"
  | "modelTags"
  | "setVersionTags"
  | "deleteVersionTags"
  | "versionTags"
  | "setAlias"
  | "deleteAlias"
  | "getAlias"
  | "aliases"
>;

/** Tags of models and versions, and aliases (migration 0009-model-registry). */
export function createRegistryLabelRepo(db: Executor): RegistryLabelRepo {
  async function tagsOfVersions(modelId: string, version: number) {
    const rows = await db
      .selectFrom("model_version_tags")
      .select(["key", "value"])
      .where("model_id", "=", modelId)
      .where("version", "=", version)
      .execute();
    return rows;
  }

  return {
    async setModelTags(id, tags) {
      const entries = Object.entries(tags);
      if (entries.length === 0) return;
      await db
        .insertInto("registered_model_tags")
        .values(entries.map(([key, value]) => ({ model_id: id, key, value })))
        .onConflict((oc) => oc.columns(["model_id", "key"]).doUpdateSet({ value: (eb) => eb.ref("excluded.value") }))
        .execute();
    },
    async deleteModelTags(id, keys) {
      if (keys.length === 0) return;
      await db.deleteFrom("registered_model_tags").where("model_id", "=", id).where("key", "in", keys).execute();
    },
    async modelTags(ids) {
      const out = new Map<string, Record<string, string>>(ids.map((id) => [id, {}]));
      if (ids.length === 0) return out;
      const rows = await db
        .selectFrom("registered_model_tags")
        .selectAll()
        .where("model_id", "in", ids)
        .orderBy("key")
        .execute();
      for (const r of rows) (out.get(r.model_id) as Record<string, string>)[r.key] = r.value;
      return out;
    },

    async setVersionTags(modelId, version, tags) {
      const entries = Object.entries(tags);
      if (entries.length === 0) return;
      await db
        .insertInto("model_version_tags")
        .values(entries.map(([key, value]) => ({ model_id: modelId, version, key, value })))
        .onConflict((oc) =>
          oc.columns(["model_id", "version", "key"]).doUpdateSet({ value: (eb) => eb.ref("excluded.value") }),
        )
        .execute();
    },
    async deleteVersionTags(modelId, version, keys) {
      if (keys.length === 0) return;
      await db
        .deleteFrom("model_version_tags")
        .where("model_id", "=", modelId)
        .where("version", "=", version)
        .where("key", "in", keys)
        .execute();
    },
    async versionTags(keys) {
      const out = new Map<string, Record<string, string>>(keys.map((k) => [versionKey(k.modelId, k.version), {}]));
      const modelIds = [...new Set(keys.map((k) => k.modelId))];
      if (modelIds.length === 0) return out;
      if (keys.length === 1) {
        const only = keys[0] as { modelId: string; version: number };
        const tags = out.get(versionKey(only.modelId, only.version)) as Record<string, string>;
        for (const r of await tagsOfVersions(only.modelId, only.version)) tags[r.key] = r.value;
        return out;
      }
      const rows = await db
        .selectFrom("model_version_tags")
        .selectAll()
        .where("model_id", "in", modelIds)
        .where(
          "version",
          "in",
          keys.map((k) => k.version),
        )
        .orderBy("key")
        .execute();
      for (const r of rows) {
        const tags = out.get(versionKey(r.model_id, Number(r.version)));
        if (tags) tags[r.key] = r.value;
      }
      return out;
    },

    async setAlias(modelId, alias, version) {
      await db
        .insertInto("model_aliases")
        .values({ model_id: modelId, alias, version })
        .onConflict((oc) => oc.columns(["model_id", "alias"]).doUpdateSet({ version }))
        .execute();
    },
    async deleteAlias(modelId, alias) {
      const result = await db
        .deleteFrom("model_aliases")
        .where("model_id", "=", modelId)
        .where("alias", "=", alias)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async getAlias(modelId, alias) {
      const row = await db
        .selectFrom("model_aliases")
        .select("version")
        .where("model_id", "=", modelId)
        .where("alias", "=", alias)
        .executeTakeFirst();
      return row ? Number(row.version) : null;
    },
    async aliases(modelIds) {
      const out = new Map<string, Record<string, number>>(modelIds.map((id) => [id, {}]));
      if (modelIds.length === 0) return out;
      const rows = await db
        .selectFrom("model_aliases")
        .selectAll()
        .where("model_id", "in", modelIds)
        .orderBy("alias")
        .execute();
      for (const r of rows) (out.get(r.model_id) as Record<string, number>)[r.alias] = Number(r.version);
      return out;
    },
  };
}
