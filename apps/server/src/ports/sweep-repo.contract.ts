import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "./store.js";
import type { SweepRecord } from "./sweep-repo.js";

/** The behaviour every SweepRepo must have (store.sweeps); run on SQLite and PostgreSQL. */
export function sweepRepoContract(name: string, open: () => Promise<Store>): void {
  describe(`SweepRepo contract: ${name}`, () => {
    let store: Store;
    const projectId = "a".repeat(32);
    const otherProject = "b".repeat(32);
    let seq = 0;
    const newId = () => (++seq).toString(16).padStart(32, "0");

    beforeAll(async () => {
      store = await open();
      for (const [id, n] of [
        [projectId, "sweeps"],
        [otherProject, "other"],
      ] as const) {
        await store.projects.create({ id, name: n, description: "", createdAt: 1, updatedAt: 1, deletedAt: null });
      }
    });
    afterAll(() => store.close());

    function sweep(extra: Partial<SweepRecord> = {}): SweepRecord {
      return {
        id: newId(),
        projectId,
        name: "s",
        spec: { method: "grid", space: { lr: [1, 2] }, nested: { x: [1, "a", null] } },
        state: "running",
        reason: null,
        createdAt: 1000,
        endedAt: null,
        ...extra,
      };
    }

    it("stores a sweep and reads it back whole", async () => {
      const record = sweep({ name: "lr-search" });
      await store.sweeps.create(record);
      expect(await store.sweeps.get(record.id)).toEqual(record);
      expect(await store.sweeps.get(newId())).toBeNull();
    });

    it("lists newest first, by project, in pages", async () => {
      const a = sweep({ createdAt: 5000 });
      const b = sweep({ createdAt: 6000 });
      const c = sweep({ createdAt: 6000 });
      const d = sweep({ createdAt: 7000, projectId: otherProject });
      for (const r of [a, b, c, d]) await store.sweeps.create(r);
      const first = await store.sweeps.list({ projectId, limit: 2 });
      expect(first.map((s) => s.id)).toEqual([c.id, b.id]);
      const last = first[first.length - 1] as SweepRecord;
      const next = await store.sweeps.list({ projectId, before: { createdAt: last.createdAt, id: last.id }, limit: 2 });
      expect(next.map((s) => s.id)[0]).toBe(a.id);
      expect((await store.sweeps.list({ projectId: otherProject, limit: 10 })).map((s) => s.id)).toEqual([d.id]);
      expect((await store.sweeps.list({ limit: 1 })).map((s) => s.id)).toEqual([d.id]);
    });

    it("claims a running sweep for one owner at a time, until the lease expires or is released", async () => {
      const record = sweep();
      await store.sweeps.create(record);
      expect(await store.sweeps.claim(record.id, "one", 10_000, 5_000)).toBe(true);
      expect(await store.sweeps.claim(record.id, "two", 12_000, 5_000)).toBe(false);
      expect(await store.sweeps.claim(record.id, "one", 12_000, 5_000)).toBe(true);
      expect(await store.sweeps.claim(record.id, "two", 17_001, 5_000)).toBe(true);
      await store.sweeps.release(record.id, "one");
      expect(await store.sweeps.claim(record.id, "one", 17_002, 5_000)).toBe(false);
      await store.sweeps.release(record.id, "two");
      expect(await store.sweeps.claim(record.id, "one", 17_003, 5_000)).toBe(true);
    });

    it("ends a running sweep once; an ended sweep is neither listed as running nor claimed", async () => {
      const record = sweep();
      await store.sweeps.create(record);
      expect(await store.sweeps.listRunning(10_000)).toContain(record.id);
      expect(await store.sweeps.end(record.id, "finished", "wall time of 1s reached", 9000)).toBe(true);
      expect(await store.sweeps.end(record.id, "cancelled", null, 9500)).toBe(false);
      expect(await store.sweeps.get(record.id)).toMatchObject({
        state: "finished",
        reason: "wall time of 1s reached",
        endedAt: 9000,
      });
      expect(await store.sweeps.listRunning(10_000)).not.toContain(record.id);
      expect(await store.sweeps.claim(record.id, "x", 1e12, 1000)).toBe(false);
    });

    it("reserves each trial number once and records its job, run and checked step", async () => {
      const record = sweep();
      await store.sweeps.create(record);
      const trial = {
        sweepId: record.id,
        number: 1,
        params: { lr: 0.1, "model.width": 128 },
        jobId: null,
        runId: null,
        checkedStep: null,
        createdAt: 2000,
      };
      expect(await store.sweeps.insertTrial(trial)).toBe(true);
      expect(await store.sweeps.insertTrial({ ...trial, params: { lr: 0.2 } })).toBe(false);
      expect(await store.sweeps.insertTrial({ ...trial, number: 2 })).toBe(true);
      expect(await store.sweeps.insertTrial({ ...trial, number: 3 })).toBe(true);
      await store.sweeps.setTrialJob(record.id, 1, "c".repeat(32), "d".repeat(32));
      await store.sweeps.setCheckedStep(record.id, 1, 4.5);
      const trials = await store.sweeps.listTrials(record.id);
      expect(trials.map((t) => t.number)).toEqual([1, 2, 3]);
      expect(trials[0]).toEqual({ ...trial, jobId: "c".repeat(32), runId: "d".repeat(32), checkedStep: 4.5 });
      expect((await store.sweeps.listTrials(record.id, { after: 1, limit: 1 })).map((t) => t.number)).toEqual([2]);
      const counts = await store.sweeps.countTrials([record.id, newId()]);
      expect([...counts.values()].sort()).toEqual([0, 3]);
    });
  });
}
