import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunRecord, Store } from "../../ports/store.js";
import { systemClock } from "../../services/clock.js";
import { createServices } from "../../services/index.js";
import { storeFactories } from "../../testing/test-stores.js";
import { openDatabase } from "../create-database.js";
import type { Database } from "../database.js";
import { projectKeysMigration } from "../migrations/0005-project-keys.js";
import { parseDbUrl } from "../parse-db-url.js";
import { createKyselyStore } from "./kysely-store.js";

type Row = [project: string, kind: string, key: string, valueType: string, runs: number];

/**
 * The test oracle: the registry as the slow SQL computes it, by grouping the side tables of
 * every live run (what the key catalogue did before the registry existed).
 */
async function oracle(db: Kysely<Database>): Promise<Row[]> {
  const { rows } = await sql<{ p: string; kind: string; key: string; t: string; n: number | string }>`
    select r.project_id as p, 'config' as kind, s.path as key, s.value_type as t, count(*) as n
      from run_config s join runs r on r.id = s.run_id where r.deleted_at is null
      group by r.project_id, s.path, s.value_type
    union all
    select r.project_id, 'tag', s.key, '', count(*)
      from run_tags s join runs r on r.id = s.run_id where r.deleted_at is null group by r.project_id, s.key
    union all
    select r.project_id, 'metric', s.key, '', count(*)
      from metric_series s join runs r on r.id = s.run_id where r.deleted_at is null group by r.project_id, s.key`.execute(
    db,
  );
  return sortRows(rows.map((r) => [r.p, r.kind, r.key, r.t, Number(r.n)]));
}

async function registry(db: Kysely<Database>): Promise<Row[]> {
  const rows = await db.selectFrom("project_keys").selectAll().execute();
  return sortRows(rows.map((r) => [r.project_id, r.kind, r.key, r.value_type, Number(r.runs)]));
}

const sortRows = (rows: Row[]) => rows.sort((a, b) => (a.join("\u0000") < b.join("\u0000") ? -1 : 1));

/** The key registry (key-registry.ts) against the slow SQL oracle after every kind of write. */
describe.each(storeFactories)("key registry on $name", (factory) => {
  let db: Kysely<Database>;
  let store: Store;
  const p1 = "1".repeat(32);
  const p2 = "2".repeat(32);
  const id = (n: number) => n.toString(16).padStart(32, "0");
  const run = (n: number, patch: Partial<RunRecord>): RunRecord => ({
    id: id(n),
    projectId: p1,
    name: `r${n}`,
    status: "running",
    origin: "sdk",
    group: null,
    tags: {},
    notes: "",
    config: {},
    createdAt: n,
    startedAt: n,
    endedAt: null,
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
  const point = (key: string, step: number) => ({ key, step, value: step, time: step });

  /** Registry = oracle, no row at 0 or below, and `listKeys` answers as the oracle does. */
  async function expectExact(): Promise<Row[]> {
    const expected = await oracle(db);
    expect(await registry(db)).toEqual(expected);
    const keys = await store.dashboard.keys.listKeys({ projectId: p1, limit: 100 });
    const mine = expected.filter((r) => r[0] === p1);
    const paths = [...new Set(mine.filter((r) => r[1] === "config").map((r) => r[2]))].sort();
    expect(keys.config.map((c) => c.path).sort()).toEqual(paths);
    for (const c of keys.config) {
      const rows = mine.filter((r) => r[1] === "config" && r[2] === c.path);
      expect(c.runs).toBe(rows.reduce((sum, r) => sum + r[4], 0));
      expect(c.types).toEqual(rows.map((r) => r[3]).sort());
    }
    const side = (kind: string) => mine.filter((r) => r[1] === kind).map((r) => ({ key: r[2], runs: r[4] }));
    expect([...keys.metrics].sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual(side("metric"));
    expect([...keys.tags].sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual(side("tag"));
    return expected;
  }

  beforeAll(async () => {
    const opened = openDatabase(parseDbUrl(await factory.freshUrl()));
    db = opened.db;
    store = await createKyselyStore(opened);
    for (const [pid, name] of [
      [p1, "reg"],
      [p2, "reg-other"],
    ] as const) {
      await store.projects.create({ id: pid, name, description: "", createdAt: 1, updatedAt: 1, deletedAt: null });
    }
  });
  afterAll(() => store.close());

  it("counts the keys of created runs, live ones only", async () => {
    await store.transaction(async (repos) => {
      await repos.runs.create(run(1, { config: { lr: 0.1, opt: { name: "adam" } }, tags: { team: "a", base: "" } }));
      await repos.runs.create(run(2, { config: { lr: "auto", opt: { name: "sgd" } }, tags: { team: "b" } }));
      await repos.runs.create(run(3, { config: { lr: 1, gone: true }, tags: { gone: "" }, deletedAt: 5 }));
      await repos.runs.create(run(4, { projectId: p2, config: { lr: 2 }, tags: { team: "c" } }));
    });
    // Outside a transaction: the repo opens its own.
    await store.runs.create(run(5, { config: { lr: 3, arr: [1, 2], nil: null } }));
    const rows = await expectExact();
    expect(rows).toContainEqual([p1, "config", "lr", "number", 2]);
    expect(rows).toContainEqual([p1, "config", "lr", "string", 1]);
    expect(rows.some((r) => r[2] === "gone")).toBe(false);
  });

  it("follows replaced config and tags", async () => {
    await store.transaction(async (repos) => {
      await repos.runs.update(id(1), { config: { lr: "x", extra: { a: 1 } }, tags: { base: "", owner: "me" } });
    });
    await store.runs.update(id(2), { tags: {} });
    await store.runs.update(id(2), { heartbeatAt: 9, name: "renamed" });
    await expectExact();
    // Keys of a deleted run do not change the registry when it is updated.
    await store.runs.update(id(3), { config: { other: 1 }, tags: { x: "" } });
    const rows = await expectExact();
    expect(rows.some((r) => r[0] === p1 && (r[2] === "other" || r[2] === "x" || r[2] === "team"))).toBe(false);
    expect(rows).toContainEqual([p1, "config", "lr", "string", 2]);
  });

  it("counts a run's first series of a key, and forgets series emptied by truncation", async () => {
    await store.transaction(async (repos) => {
      await repos.metrics.append(id(1), [point("loss", 0), point("loss", 1), point("acc", 5)]);
      await repos.metrics.append(id(2), [point("loss", 0)]);
      await repos.metrics.append(id(3), [point("loss", 0), point("deleted/only", 0)]);
    });
    await store.metrics.append(id(1), [point("loss", 2), point("lr", 0)]);
    await store.metrics.append(id(4), [point("loss", 0)]);
    expect(await expectExact()).toContainEqual([p1, "metric", "loss", "", 2]);
    // acc (only step 5) is emptied and removed; loss keeps steps 0 and 1.
    await store.transaction((repos) => repos.metrics.truncateAfter(id(1), null, 1));
    await store.transaction((repos) => repos.metrics.truncateAfter(id(3), null, -1));
    const rows = await expectExact();
    expect(rows.some((r) => r[2] === "acc")).toBe(false);
    expect(rows).toContainEqual([p1, "metric", "loss", "", 2]);
  });

  it("removes a deleted run's keys and brings them back on restore", async () => {
    await store.runs.update(id(5), { deletedAt: 10, updatedAt: 10 });
    let rows = await expectExact();
    expect(rows.some((r) => r[2] === "arr" || r[2] === "nil")).toBe(false);
    await store.runs.update(id(5), { deletedAt: 11, updatedAt: 11 });
    await expectExact();
    await store.runs.update(id(5), { deletedAt: null, updatedAt: 12 });
    rows = await expectExact();
    expect(rows).toContainEqual([p1, "config", "arr", "json", 1]);
    await store.runs.update(id(3), { deletedAt: null });
    rows = await expectExact();
    expect(rows).toContainEqual([p1, "config", "other", "number", 1]);
  });

  it("follows bulk tags, deletion and restoration", async () => {
    const ids = [1, 2, 3, 5].map(id);
    await store.transaction((r) => r.dashboard.bulk.addTags(ids, { team: "z", owner: "me" }, 20));
    await expectExact();
    await store.transaction((r) => r.dashboard.bulk.removeTags(ids.slice(0, 2), ["owner", "base"], 21));
    await expectExact();
    await store.transaction((r) => r.dashboard.bulk.setDeleted(ids.slice(1), 22, 22));
    expect(await expectExact()).toContainEqual([p1, "tag", "team", "", 1]);
    await store.transaction((r) => r.dashboard.bulk.setDeleted(ids, null, 23));
    expect(await expectExact()).toContainEqual([p1, "tag", "team", "", 4]);
  });

  it("uncounts purged runs, deleted or not, and purged projects", async () => {
    await store.runs.update(id(5), { deletedAt: 30 });
    await store.transaction((repos) => repos.runs.purge(id(5)));
    await store.transaction((repos) => repos.runs.purge(id(2)));
    await store.transaction((repos) => repos.runs.purge(id(3)));
    await expectExact();
    await store.transaction((repos) => repos.projects.purge(p2));
    const rows = await expectExact();
    expect(rows.some((r) => r[0] === p2)).toBe(false);
  });

  it("counts what the import service restores", async () => {
    const services = createServices(store, systemClock);
    const runId = "a".repeat(32);
    const goneId = "b".repeat(32);
    const body = (rid: string, deletedAt: number | null) => ({
      ...run(0, { config: { imported: { lr: 0.5 } }, tags: { imported: "yes" }, deletedAt }),
      id: rid,
      project: "reg",
      metrics: undefined,
      configHistory: [],
    });
    await services.imports.importRun(body(runId, null));
    await services.imports.importRun(body(goneId, 40));
    await services.imports.importMetrics(runId, { points: [point("imported/loss", 0)] });
    await services.imports.importMetrics(goneId, { points: [point("imported/gone", 0)] });
    const rows = await expectExact();
    expect(rows).toContainEqual([p1, "config", "imported.lr", "number", 1]);
    expect(rows).toContainEqual([p1, "metric", "imported/loss", "", 1]);
    expect(rows.some((r) => r[2] === "imported/gone")).toBe(false);
    // And the run service's delete and restore.
    await services.runs.remove(runId, false);
    expect((await expectExact()).some((r) => r[2] === "imported/loss")).toBe(false);
    await services.runs.restore(runId);
    expect(await expectExact()).toContainEqual([p1, "metric", "imported/loss", "", 1]);
  });

  it("lists keys from the registry with prefix and limit, and values of one path either way", async () => {
    const p3 = "3".repeat(32);
    await store.projects.create({
      id: p3,
      name: "reg-3",
      description: "",
      createdAt: 1,
      updatedAt: 1,
      deletedAt: null,
    });
    await store.transaction(async (repos) => {
      await repos.runs.create(run(10, { config: { lr: 0.5 } }));
      await repos.runs.create(run(11, { config: { lr: 0.5 } }));
      await repos.runs.create(run(12, { config: { lr: "auto" } }));
      await repos.runs.create(run(13, { config: { lr: 9 }, deletedAt: 1 }));
      await repos.runs.create(run(14, { projectId: p3, config: { lr: 0.5 } }));
    });
    await expectExact();
    const keys = await store.dashboard.keys.listKeys({ projectId: p1, limit: 1, prefix: "l" });
    expect(keys.config).toEqual([{ path: "lr", types: ["number", "string"], runs: 4 }]);
    expect(keys.truncated.config).toBe(false);
    expect(keys.metrics.map((m) => m.key)).toEqual(["loss"]);
    expect(keys.truncated.metrics).toBe(true);
    const expected = [
      { value: 0.5, count: 2 },
      { value: "auto", count: 1 },
      { value: "x", count: 1 },
    ];
    const values = () =>
      store.dashboard.keys.listValues({ projectId: p1, field: { kind: "config", path: "lr" }, limit: 10 });
    // Rows of a deleted run and of another project: the joined query.
    expect((await values()).values).toEqual(expected);
    await store.transaction((repos) => repos.runs.purge(id(13)));
    expect((await values()).values).toEqual(expected);
    // Every lr row is a live run of p1: the unjoined query over the covering index.
    await store.transaction((repos) => repos.runs.purge(id(14)));
    expect((await values()).values).toEqual(expected);
    expect(
      (await store.dashboard.keys.listValues({ projectId: p3, field: { kind: "config", path: "lr" }, limit: 10 }))
        .values,
    ).toEqual([]);
  });

  it("backfills the registry from existing data in the migration", async () => {
    const before = await registry(db);
    await db.schema.dropIndex("run_config_path_values").execute();
    await db.schema.dropIndex("runs_id_live").execute();
    await db.schema.dropTable("project_keys").execute();
    await projectKeysMigration().up(db as Kysely<unknown>);
    expect(await registry(db)).toEqual(before);
    expect(before).toEqual(await oracle(db));
    expect(before.length).toBeGreaterThan(5);
  });
});
