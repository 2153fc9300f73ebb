import { type FieldRef, parseSort } from "@looplab/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunRecord, Store } from "../../ports/store.js";
import { storeFactories } from "../../testing/test-stores.js";

/** The dashboard's storage port on every dialect: same answers from SQLite and PostgreSQL. */
describe.each(storeFactories)("dashboard repos on $name", (factory) => {
  let store: Store;
  const projectId = "p".repeat(32);
  const run = (n: number, patch: Partial<RunRecord>): RunRecord => ({
    id: n.toString(16).padStart(32, "0"),
    projectId,
    name: `r${n}`,
    status: "finished",
    origin: "sdk",
    group: null,
    tags: {},
    notes: "",
    config: {},
    createdAt: n,
    startedAt: n,
    endedAt: n + 10,
    heartbeatAt: null,
    updatedAt: n,
    deletedAt: null,
    host: null,
    command: null,
    git: null,
    environment: null,
    parentRunId: null,
    resumedFrom: null,
    ...patch,
  });

  beforeAll(async () => {
    store = await factory.open();
    await store.projects.create({
      id: projectId,
      name: "d",
      description: "",
      createdAt: 1,
      updatedAt: 1,
      deletedAt: null,
    });
    await store.transaction(async (repos) => {
      await repos.runs.create(run(1, { config: { lr: 1, opt: "a" }, tags: { t: "x" } }));
      await repos.runs.create(run(2, { config: { lr: 3, opt: "a" }, tags: { t: "x" } }));
      await repos.runs.create(run(3, { config: { lr: 1e300, opt: "b" } }));
      await repos.runs.create(run(4, { config: { lr: "high" } }));
      await repos.metrics.append(run(1, {}).id, [{ key: "m", step: 0, value: 2, time: 1 }]);
      await repos.metrics.append(run(2, {}).id, [{ key: "m", step: 0, value: Number.POSITIVE_INFINITY, time: 1 }]);
    });
  });
  afterAll(() => store.close());

  it("lists keys and values", async () => {
    const keys = await store.dashboard.keys.listKeys({ projectId, limit: 10 });
    expect(keys.config).toEqual([
      { path: "lr", types: ["number", "string"], runs: 4 },
      { path: "opt", types: ["string"], runs: 3 },
    ]);
    expect(keys.metrics).toEqual([{ key: "m", runs: 2 }]);
    const values = await store.dashboard.keys.listValues({
      projectId,
      field: { kind: "config", path: "lr" },
      limit: 10,
    });
    expect(values.values).toEqual([
      { value: 1, count: 1 },
      { value: 3, count: 1 },
      { value: 1e300, count: 1 },
      { value: "high", count: 1 },
    ]);
  });

  it("groups with exact two-pass statistics and leaves infinities out", async () => {
    const fields = ["config.lr", "metrics.m"].map((t) => parseSort(t)[0]?.field as FieldRef);
    const result = await store.dashboard.groups.groupRuns({
      projectId,
      filter: "",
      groupBy: { kind: "config", path: "opt" },
      fields,
      limit: 10,
      offset: 0,
      includeDeleted: false,
      now: 100,
    });
    expect(result.total).toBe(3);
    expect(result.groups.map((g) => [g.value, g.count])).toEqual([
      ["a", 2],
      ["b", 1],
      [null, 1],
    ]);
    expect(result.groups[0]?.stats[0]).toEqual({ n: 2, mean: 2, std: Math.SQRT2, min: 1, max: 3 });
    expect(result.groups[0]?.stats[1]).toEqual({ n: 1, mean: 2, std: null, min: 2, max: 2 });
    expect(result.groups[1]?.stats[0]).toEqual({ n: 1, mean: 1e300, std: null, min: 1e300, max: 1e300 });
  });

  it("saves views and changes runs in bulk", async () => {
    const view = { name: "v", state: { a: "b" }, createdAt: 5, updatedAt: 5 };
    expect(await store.dashboard.views.create(projectId, view)).toBe(true);
    expect(await store.dashboard.views.create(projectId, view)).toBe(false);
    const put = await store.dashboard.views.put(projectId, { ...view, state: {}, createdAt: 9, updatedAt: 9 });
    expect(put).toEqual({ name: "v", state: {}, createdAt: 5, updatedAt: 9 });
    expect(await store.dashboard.views.delete(projectId, "v")).toBe(true);
    const ids = [1, 2, 3].map((n) => run(n, {}).id);
    const changed = await store.transaction((r) => r.dashboard.bulk.addTags(ids, { t: "x" }, 50));
    expect(changed).toEqual([ids[2]]);
    expect(await store.transaction((r) => r.dashboard.bulk.removeTags(ids, ["t"], 51))).toHaveLength(3);
    expect(await store.transaction((r) => r.dashboard.bulk.setDeleted(ids, 52, 52))).toHaveLength(3);
    expect(await store.transaction((r) => r.dashboard.bulk.setDeleted(ids, 53, 53))).toHaveLength(0);
    expect(await store.transaction((r) => r.dashboard.bulk.setDeleted(ids, null, 54))).toHaveLength(3);
    expect((await store.runs.get(ids[0] as string))?.updatedAt).toBe(54);
  });
});
