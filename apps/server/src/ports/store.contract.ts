import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunRecord, Store } from "./store.js";

/** The behaviour every Store adapter must have; run by each adapter's test file. */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let seq = 0;
    const projectId = "p0000000000000000000000000000001";

    beforeAll(async () => {
      store = await open();
      await store.projects.create({
        id: projectId,
        name: "contract",
        description: "",
        createdAt: 1,
        updatedAt: 1,
        deletedAt: null,
      });
    });
    afterAll(async () => {
      await store.close();
    });

    function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
      seq += 1;
      const id = seq.toString(16).padStart(32, "0");
      return {
        id,
        projectId,
        name: `run-${seq}`,
        status: "running",
        origin: "sdk",
        group: null,
        tags: {},
        notes: "",
        config: {},
        createdAt: 1000 + seq,
        startedAt: 1000 + seq,
        endedAt: null,
        heartbeatAt: 1000 + seq,
        updatedAt: 1000 + seq,
        deletedAt: null,
        host: "box",
        command: "train.py",
        git: { commit: "abc", branch: "main", remote: null, dirty: true, diff: "+x" },
        environment: { os: "linux" },
        parentRunId: null,
        resumedFrom: null,
        ...overrides,
      };
    }

    it("creates, reads and lists projects", async () => {
      expect((await store.projects.getByName("contract"))?.id).toBe(projectId);
      expect(await store.projects.getByName("nope")).toBeNull();
      const listed = await store.projects.list({ offset: 0, limit: 10, includeDeleted: false });
      expect(listed.map((p) => p.name)).toContain("contract");
    });

    it("refuses a second project with the same name", async () => {
      await expect(
        store.projects.create({
          id: "x".repeat(32),
          name: "contract",
          description: "",
          createdAt: 1,
          updatedAt: 1,
          deletedAt: null,
        }),
      ).rejects.toThrow();
    });

    it("round-trips a run with tags, nested config, git and environment", async () => {
      const run = runRecord({
        tags: { baseline: "", team: "vision" },
        config: { model: { width: 256 }, lr: 0.003, list: [1, 2] },
      });
      await store.runs.create(run);
      expect(await store.runs.get(run.id)).toEqual(run);
    });

    it("reads a run's liveness without its config and tags", async () => {
      const run = runRecord({ status: "running", heartbeatAt: 1234 });
      await store.runs.create(run);
      expect(await store.runs.getLiveness(run.id)).toEqual({
        projectId: run.projectId,
        status: "running",
        heartbeatAt: 1234,
        deletedAt: null,
      });
      await store.runs.update(run.id, { status: "finished", heartbeatAt: 99, deletedAt: 7 });
      expect(await store.runs.getLiveness(run.id)).toEqual({
        projectId: run.projectId,
        status: "finished",
        heartbeatAt: 99,
        deletedAt: 7,
      });
      expect(await store.runs.getLiveness("f".repeat(32))).toBeNull();
    });

    it("updates fields and replaces tags and config", async () => {
      const run = runRecord({ tags: { a: "1" } });
      await store.runs.create(run);
      await store.runs.update(run.id, {
        status: "finished",
        endedAt: 5000,
        tags: { b: "2" },
        config: { x: { y: true } },
      });
      const got = await store.runs.get(run.id);
      expect(got?.status).toBe("finished");
      expect(got?.endedAt).toBe(5000);
      expect(got?.tags).toEqual({ b: "2" });
      expect(got?.config).toEqual({ x: { y: true } });
    });

    it("keeps config history in order", async () => {
      const run = runRecord();
      await store.runs.create(run);
      await store.runs.appendConfigChange(run.id, {
        at: 1,
        actor: "a",
        changes: [{ path: "lr", before: 1, after: 2 }],
      });
      await store.runs.appendConfigChange(run.id, {
        at: 2,
        actor: "b",
        changes: [{ path: "lr", before: 2, after: 3 }],
      });
      const history = await store.runs.listConfigChanges(run.id);
      expect(history.map((h) => h.actor)).toEqual(["a", "b"]);
      expect(history[1]?.changes[0]).toEqual({ path: "lr", before: 2, after: 3 });
    });

    it("marks only stale running SDK/queue runs as crashed", async () => {
      const stale = runRecord({ heartbeatAt: 10 });
      const fresh = runRecord({ heartbeatAt: 1_000_000 });
      const mlflow = runRecord({ heartbeatAt: 10, origin: "mlflow" });
      const finished = runRecord({ heartbeatAt: 10, status: "finished" });
      for (const r of [stale, fresh, mlflow, finished]) await store.runs.create(r);
      const crashed = await store.runs.markCrashed(500_000, 600_000);
      expect(crashed).toContain(stale.id);
      expect(crashed).not.toContain(fresh.id);
      expect(crashed).not.toContain(mlflow.id);
      expect(crashed).not.toContain(finished.id);
      expect((await store.runs.get(stale.id))?.status).toBe("crashed");
      expect((await store.runs.get(stale.id))?.endedAt).toBe(600_000);
    });

    it("stores metrics with summaries and keeps a batch whole or not at all", async () => {
      const run = runRecord();
      await store.runs.create(run);
      await store.transaction(async (repos) => {
        expect(await repos.metrics.claimBatch(run.id, "b1", 1)).toBe(false);
        await repos.metrics.append(run.id, [
          { key: "loss", step: 0, value: 1, time: 10 },
          { key: "loss", step: 1, value: Number.NaN, time: 11 },
          { key: "loss", step: 2, value: 0.5, time: 12 },
        ]);
      });
      await expect(
        store.transaction(async (repos) => {
          await repos.metrics.append(run.id, [{ key: "loss", step: 3, value: 0.1, time: 13 }]);
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      const [series] = await store.metrics.listSeries(run.id);
      expect(series).toMatchObject({ key: "loss", count: 3, nanCount: 1, min: 0.5, max: 1, last: 0.5, lastStep: 2 });
      expect(series?.mean).toBeCloseTo(0.75);
      expect(await store.metrics.claimBatch(run.id, "b1", 2)).toBe(true);
    });

    it("soft-deletes, lists deleted runs and purges them with their metrics", async () => {
      const run = runRecord();
      await store.runs.create(run);
      await store.transaction((repos) => repos.metrics.append(run.id, [{ key: "m", step: 0, value: 1, time: 1 }]));
      await store.runs.update(run.id, { deletedAt: 100 });
      expect(await store.runs.listDeletedBefore(200, 10)).toContain(run.id);
      await store.transaction((repos) => repos.runs.purge(run.id));
      expect(await store.runs.get(run.id)).toBeNull();
      expect(await store.metrics.listSeries(run.id)).toEqual([]);
    });

    it("searches runs with the filter language", async () => {
      const a = runRecord({ name: "contract-a", config: { lr: 0.001 }, tags: { baseline: "" } });
      const b = runRecord({ name: "contract-b", config: { lr: 0.1 } });
      for (const r of [a, b]) await store.runs.create(r);
      const result = await store.runs.search({
        projectId,
        filter: 'config.lr < 0.01 and name ~ "^contract-"',
        sort: "name",
        offset: 0,
        limit: 10,
        includeDeleted: false,
        withTotal: true,
      });
      expect(result.runIds).toEqual([a.id]);
      expect(result.total).toBe(1);
    });
  });
}
