import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelRecord, ModelVersionRecord } from "./registry-repo.js";
import type { Store } from "./store.js";

/** The behaviour every RegistryRepo must have (store.registry); run on SQLite and PostgreSQL. */
export function registryRepoContract(name: string, open: () => Promise<Store>): void {
  describe(`RegistryRepo contract: ${name}`, () => {
    let store: Store;
    let seq = 0;
    const id = () => (++seq).toString(16).padStart(32, "0");
    const digest = (n: number) => n.toString(16).padStart(64, "0");

    beforeAll(async () => {
      store = await open();
    });
    afterAll(() => store.close());

    async function model(name: string, extra: Partial<ModelRecord> = {}): Promise<ModelRecord> {
      const record = { id: id(), name, description: "", createdAt: 100, updatedAt: 100, deletedAt: null, ...extra };
      await store.registry.insertModel(record);
      return record;
    }
    async function version(modelId: string, extra: Partial<ModelVersionRecord> = {}, pins: string[] = []) {
      const files = pins.map((sha256, i) => ({ path: `model/f${i}.bin`, sha256, size: 10 }));
      const v = await store.registry.nextVersion(modelId);
      const record: ModelVersionRecord = {
        modelId,
        version: v,
        runId: "r".repeat(32),
        projectId: "p".repeat(32),
        path: "model.onnx",
        sha256: null,
        size: 10,
        fileCount: 1,
        source: `runs:/${"r".repeat(32)}/model.onnx`,
        description: "",
        stage: "None",
        metrics: { acc: 0.9, loss: null },
        createdAt: 200 + v,
        updatedAt: 200 + v,
        ...extra,
      };
      await store.registry.insertVersion(record, files);
      return record;
    }

    it("stores models with unique names and finds them by name and id", async () => {
      const m = await model("digits");
      expect(await store.registry.getModelByName("digits")).toEqual(m);
      expect(await store.registry.getModelsByIds([m.id])).toEqual([m]);
      expect(await store.registry.getModelByName("nope")).toBeNull();
      await expect(model("digits")).rejects.toThrow();
    });

    it("numbers versions 1, 2, 3 per model and never reuses a number", async () => {
      const m = await model("numbered");
      const other = await model("numbered-other");
      expect((await version(m.id)).version).toBe(1);
      expect((await version(m.id)).version).toBe(2);
      expect((await version(other.id)).version).toBe(1);
      await store.registry.deleteVersion(m.id, 2, 500);
      expect((await version(m.id)).version).toBe(3);
      expect((await store.registry.latestVersions([m.id, other.id])).get(m.id)?.version).toBe(3);
      expect(await store.registry.countVersions([m.id, other.id])).toEqual(
        new Map([
          [m.id, 2],
          [other.id, 1],
        ]),
      );
      const got = await store.registry.getVersion(m.id, 1);
      expect(got?.metrics).toEqual({ acc: 0.9, loss: null });
      expect(await store.registry.getVersion(m.id, 2)).toBeNull();
    });

    it("keeps tags and aliases per model and per version", async () => {
      const m = await model("tagged");
      await store.registry.setModelTags(m.id, { team: "vision", x: "1" });
      await store.registry.setModelTags(m.id, { x: "2" });
      await store.registry.deleteModelTags(m.id, ["team"]);
      expect((await store.registry.modelTags([m.id])).get(m.id)).toEqual({ x: "2" });
      await version(m.id);
      await version(m.id);
      await store.registry.setVersionTags(m.id, 1, { a: "1" });
      await store.registry.setVersionTags(m.id, 2, { b: "2" });
      const tags = await store.registry.versionTags([
        { modelId: m.id, version: 1 },
        { modelId: m.id, version: 2 },
      ]);
      expect(tags.get(`${m.id}/1`)).toEqual({ a: "1" });
      expect(tags.get(`${m.id}/2`)).toEqual({ b: "2" });
      await store.registry.setAlias(m.id, "champion", 1);
      await store.registry.setAlias(m.id, "champion", 2);
      await store.registry.setAlias(m.id, "old", 1);
      expect(await store.registry.getAlias(m.id, "champion")).toBe(2);
      expect((await store.registry.aliases([m.id])).get(m.id)).toEqual({ champion: 2, old: 1 });
      await store.registry.deleteVersion(m.id, 1, 500);
      expect((await store.registry.aliases([m.id])).get(m.id)).toEqual({ champion: 2 });
      expect(await store.registry.deleteAlias(m.id, "champion")).toBe(true);
      expect(await store.registry.deleteAlias(m.id, "champion")).toBe(false);
    });

    it("searches models by name (=, !=, case-sensitive LIKE, ILIKE) and tags, ordered and paged", async () => {
      const a = await model("Search-Alpha", { createdAt: 1 });
      const b = await model("search-beta", { createdAt: 2 });
      await model("search-gone", { deletedAt: 5 });
      await store.registry.setModelTags(a.id, { team: "Vision" });
      await store.registry.setModelTags(b.id, { team: "nlp" });
      const names = async (req: Partial<Parameters<Store["registry"]["searchModels"]>[0]>) =>
        (
          await store.registry.searchModels({
            name: [],
            tags: [],
            includeDeleted: false,
            orderBy: [],
            offset: 0,
            limit: 100,
            ...req,
          })
        ).map((m) => m.name);
      expect(await names({ name: [{ op: "LIKE", value: "search-%" }] })).toEqual(["search-beta"]);
      expect(await names({ name: [{ op: "ILIKE", value: "search-%" }] })).toEqual(["Search-Alpha", "search-beta"]);
      expect(await names({ name: [{ op: "ILIKE", value: "search-%" }], includeDeleted: true })).toHaveLength(3);
      expect(await names({ name: [{ op: "=", value: "search-beta" }] })).toEqual(["search-beta"]);
      expect(
        await names({
          name: [
            { op: "ILIKE", value: "search%" },
            { op: "!=", value: "search-beta" },
          ],
        }),
      ).toEqual(["Search-Alpha"]);
      expect(await names({ tags: [{ key: "team", op: "LIKE", value: "V%" }] })).toEqual(["Search-Alpha"]);
      expect(await names({ tags: [{ key: "team", op: "ILIKE", value: "v%" }] })).toEqual(["Search-Alpha"]);
      expect(
        await names({
          name: [{ op: "ILIKE", value: "search-%" }],
          orderBy: [{ field: "createdAt", desc: true }],
        }),
      ).toEqual(["search-beta", "Search-Alpha"]);
      expect(await names({ name: [{ op: "ILIKE", value: "search-%" }], offset: 1, limit: 1 })).toEqual(["search-beta"]);
    });

    it("searches versions by model, run ids, version number, source and tags", async () => {
      const m = await model("versions-search");
      const runA = "a".repeat(32);
      const runB = "b".repeat(32);
      await version(m.id, { runId: runA, source: "runs:/a/model" });
      await version(m.id, { runId: runB, source: "mlflow-artifacts:/1/b/artifacts/model" });
      await store.registry.setVersionTags(m.id, 2, { env: "prod" });
      const find = async (req: Partial<Parameters<Store["registry"]["searchVersions"]>[0]>) =>
        (
          await store.registry.searchVersions({
            modelIds: [m.id],
            name: [],
            source: [],
            tags: [],
            includeDeletedModels: false,
            orderBy: [],
            offset: 0,
            limit: 100,
            ...req,
          })
        ).map((v) => v.version);
      expect(await find({})).toEqual([2, 1]);
      expect(await find({ runIds: [{ op: "IN", values: [runA] }] })).toEqual([1]);
      expect(await find({ runIds: [{ op: "NOT IN", values: [runA] }] })).toEqual([2]);
      expect(await find({ version: [{ op: ">=", value: 2 }] })).toEqual([2]);
      expect(await find({ source: [{ op: "LIKE", value: "runs:/%" }] })).toEqual([1]);
      expect(await find({ tags: [{ key: "env", op: "=", value: "prod" }] })).toEqual([2]);
      expect(await find({ modelIds: undefined, name: [{ op: "=", value: "versions-search" }] })).toEqual([2, 1]);
      expect(await find({ orderBy: [{ field: "version", desc: false }] })).toEqual([1, 2]);
      expect((await store.registry.versionsOfRun(runB, 10)).map((v) => v.version)).toEqual([2]);
      await store.registry.updateVersion(m.id, 1, { stage: "Production", updatedAt: 999 });
      expect((await store.registry.versionsInStage(m.id, "Production")).map((v) => v.version)).toEqual([1]);
    });

    it("pins digests so that unreferenced-blob GC keeps them until the version goes", async () => {
      const m = await model("pinned");
      const sha = digest(777);
      await store.artifacts.insertBlob({ sha256: sha, size: 10, createdAt: 1, releasedAt: null });
      await version(m.id, { sha256: sha }, [sha, sha]);
      expect(await store.registry.versionFiles(m.id, 1, null, 10)).toEqual([
        { path: "model/f0.bin", sha256: sha, size: 10 },
        { path: "model/f1.bin", sha256: sha, size: 10 },
      ]);
      expect(await store.registry.versionFiles(m.id, 1, "model/f0.bin", 10)).toHaveLength(1);
      expect(await store.registry.versionFile(m.id, 1, "model/f1.bin")).toMatchObject({ sha256: sha });
      expect(await store.registry.versionFile(m.id, 1, "nope")).toBeNull();
      const unreferenced = async () =>
        (await store.artifacts.listUnreferencedBlobs(10_000, 1000)).map((b) => b.sha256).includes(sha);
      expect(await unreferenced()).toBe(false);
      expect(await store.artifacts.deleteBlobIfUnreferenced(sha, 10_000)).toBe(false);
      await store.registry.deleteVersion(m.id, 1, 50);
      expect(await unreferenced()).toBe(true);

      const again = await model("pinned-purge");
      const sha2 = digest(778);
      await store.artifacts.insertBlob({ sha256: sha2, size: 10, createdAt: 1, releasedAt: null });
      await version(again.id, {}, [sha2]);
      expect(await store.artifacts.deleteBlobIfUnreferenced(sha2, 10_000)).toBe(false);
      await store.registry.purgeModel(again.id, 60);
      expect(await store.registry.getModelByName("pinned-purge")).toBeNull();
      expect(await store.artifacts.deleteBlobIfUnreferenced(sha2, 10_000)).toBe(true);
    });

    it("renames, soft-deletes and restores models", async () => {
      const m = await model("renamed");
      await store.registry.updateModel(m.id, { name: "renamed-2", description: "d", updatedAt: 300, deletedAt: 300 });
      expect(await store.registry.getModelByName("renamed")).toBeNull();
      expect(await store.registry.getModelByName("renamed-2")).toMatchObject({ description: "d", deletedAt: 300 });
      await store.registry.updateModel(m.id, { deletedAt: null });
      expect((await store.registry.getModelByName("renamed-2"))?.deletedAt).toBeNull();
    });
  });
}
