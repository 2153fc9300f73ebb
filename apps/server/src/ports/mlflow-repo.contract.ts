import { describe, expect, it } from "vitest";
import type { Store } from "./store.js";

/** The contract every MlflowRepo adapter passes (run on SQLite and PostgreSQL). */
export function mlflowRepoContract(name: string, open: () => Promise<Store>) {
  describe(`MlflowRepo contract: ${name}`, () => {
    it("numbers experiments, maps them to projects and keeps tags", async () => {
      const store = await open();
      const repo = store.mlflow;
      const suffix = Math.random().toString(36).slice(2, 8);
      const a = await repo.createExperiment({ name: `a ${suffix}`, projectId: `pa${suffix}`, artifactLocation: "x" });
      const b = await repo.createExperiment({ name: `b/${suffix}`, projectId: `pb${suffix}`, artifactLocation: "y" });
      expect(a).toBeGreaterThan(0);
      expect(b).toBe(a + 1);
      expect((await repo.getExperimentByName(`b/${suffix}`))?.experimentId).toBe(b);
      expect((await repo.getExperimentByProject(`pa${suffix}`))?.name).toBe(`a ${suffix}`);
      await expect(
        repo.createExperiment({ name: `a ${suffix}`, projectId: `pc${suffix}`, artifactLocation: "z" }),
      ).rejects.toThrow();
      await repo.renameExperiment(a, `renamed ${suffix}`);
      expect((await repo.getExperiment(a))?.name).toBe(`renamed ${suffix}`);
      await repo.setExperimentTag(a, "k", "1");
      await repo.setExperimentTag(a, "k", "2");
      await repo.setExperimentTag(a, "j", "3");
      expect((await repo.listExperimentTags([a, b])).get(a)).toEqual({ j: "3", k: "2" });
      expect(await repo.deleteExperimentTag(a, "j")).toBe(true);
      expect(await repo.deleteExperimentTag(a, "j")).toBe(false);
      expect((await repo.getExperimentsByProjects([`pa${suffix}`, `pb${suffix}`])).length).toBe(2);
    });

    it("keeps run inputs once per identity and stores logged models", async () => {
      const store = await open();
      const repo = store.mlflow;
      const run = `r${Math.random().toString(36).slice(2, 10)}`;
      const io = { runId: run, direction: "input" as const, identity: "d1", payload: { n: 1 }, createdAt: 5 };
      await repo.addRunIo([io]);
      await repo.addRunIo([
        { ...io, payload: { n: 2 } },
        { ...io, identity: "d2", createdAt: 6 },
      ]);
      const listed = await repo.listRunIo([run]);
      expect(listed.map((r) => [r.identity, r.payload])).toEqual([
        ["d1", { n: 1 }],
        ["d2", { n: 1 }],
      ]);
      const exp = await repo.createExperiment({ name: `m ${run}`, projectId: `pm${run}`, artifactLocation: "" });
      const model = { modelId: `m-${run}`, experimentId: exp, runId: run, payload: { name: "net" } };
      await repo.putLoggedModel({ ...model, createdAt: 1, updatedAt: 1, deletedAt: null });
      await repo.putLoggedModel({
        ...model,
        payload: { name: "net", status: "READY" },
        createdAt: 1,
        updatedAt: 2,
        deletedAt: null,
      });
      const got = await repo.getLoggedModel(`m-${run}`);
      expect(got?.payload).toEqual({ name: "net", status: "READY" });
      expect(got?.updatedAt).toBe(2);
      expect((await repo.listLoggedModels([exp], 0, 10)).length).toBe(1);
      await repo.putLoggedModel({ ...model, createdAt: 1, updatedAt: 3, deletedAt: 3 });
      expect(await repo.listLoggedModels([exp], 0, 10)).toEqual([]);
    });
  });
}
