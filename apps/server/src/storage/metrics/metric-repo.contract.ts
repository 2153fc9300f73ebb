import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PointRecord, StoredPoint } from "../../ports/store.js";
import type { Database } from "../database.js";
import { checkWindow, inWindow, messySeries, referenceSeries, seededRandom, shuffle } from "./metric-reference.js";
import { createMetricRepo, type KyselyMetricRepo } from "./metric-repo.js";
import { checkSeriesTree } from "./tree-invariants.js";

/**
 * The metric store's contract, run once per dialect (metric-repo.test.ts for SQLite,
 * metric-repo.int.test.ts for PostgreSQL). Reads are checked against a brute-force model.
 */
export interface MetricTestDb {
  db: Kysely<Database>;
  dialect: "sqlite" | "postgres";
  close(): Promise<void>;
}

let runCounter = 0;

async function newRun(db: Kysely<Database>): Promise<string> {
  runCounter++;
  const id = `${"0".repeat(24)}${runCounter.toString(16).padStart(8, "0")}`;
  const project = await db.selectFrom("projects").select("id").where("id", "=", "p1").executeTakeFirst();
  if (!project) {
    await db
      .insertInto("projects")
      .values({ id: "p1", name: "p1", description: "", created_at: 0, updated_at: 0 })
      .execute();
  }
  await db
    .insertInto("runs")
    .values({
      id,
      project_id: "p1",
      name: `run-${runCounter}`,
      status: "running",
      origin: "sdk",
      notes: "",
      config_json: "{}",
      created_at: 0,
      updated_at: 0,
    })
    .execute();
  return id;
}

function batches<T>(items: T[], random: () => number, maxSize: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; ) {
    const size = 1 + Math.floor(random() * maxSize);
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

async function appendAll(
  db: Kysely<Database>,
  dialect: MetricTestDb["dialect"],
  runId: string,
  groups: PointRecord[][],
) {
  let stored = 0;
  for (const group of groups) {
    stored += await db.transaction().execute((trx) => createMetricRepo(trx, dialect).append(runId, group));
  }
  return stored;
}

async function readAllPoints(
  repo: KyselyMetricRepo,
  runId: string,
  key: string,
  pageSize: number,
  start?: number,
  end?: number,
) {
  const out: StoredPoint[] = [];
  let after: { step: number; time: number; seq: number } | undefined;
  for (let pages = 0; pages < 100_000; pages++) {
    const page = await repo.readPoints(runId, key, { startStep: start, endStep: end, after, limit: pageSize });
    if (!page) throw new Error("series missing");
    out.push(...page.points);
    if (!page.next) return out;
    after = page.next;
  }
  throw new Error("paging does not end");
}

async function seriesIdOf(db: Kysely<Database>, runId: string, key: string): Promise<number> {
  const row = await db
    .selectFrom("metric_series")
    .select("id")
    .where("run_id", "=", runId)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Everything a reader can observe of one series, checked against the model. */
async function expectSeriesMatches(t: MetricTestDb, runId: string, key: string, ref: StoredPoint[], seed: number) {
  const repo = createMetricRepo(t.db, t.dialect);
  expect(await checkSeriesTree({ kysely: t.db, dialect: t.dialect }, await seriesIdOf(t.db, runId, key))).toEqual([]);
  const [summary] = (await repo.listSeries(runId)).filter((s) => s.key === key);
  const finite = ref.filter((p) => Number.isFinite(p.value));
  const notNaN = ref.filter((p) => !Number.isNaN(p.value)).map((p) => p.value);
  const last = ref[ref.length - 1] as StoredPoint;
  expect(summary?.count).toBe(ref.length);
  expect(summary?.nanCount).toBe(ref.length - notNaN.length);
  expect(summary?.finiteCount).toBe(finite.length);
  expect(summary?.mean).toBeCloseTo(finite.reduce((s, p) => s + p.value, 0) / finite.length, 6);
  expect(summary?.min).toBe(notNaN.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY));
  expect(summary?.max).toBe(notNaN.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY));
  expect([summary?.lastStep, summary?.lastTime, summary?.last]).toEqual([last.step, last.time, last.value]);

  expect(await readAllPoints(repo, runId, key, 997)).toEqual(ref);
  const random = seededRandom(seed);
  const lastStep = last.step;
  for (let i = 0; i < 40; i++) {
    const a = random() < 0.2 ? undefined : Math.floor(random() * lastStep * 1.1) - 2;
    const b = random() < 0.2 ? undefined : (a ?? 0) + random() * lastStep;
    const buckets = 1 + Math.floor(random() * (random() < 0.5 ? 12 : 3000));
    const result = await repo.readWindow(runId, key, { buckets, startStep: a, endStep: b });
    if (!result) throw new Error("series missing");
    expect(checkWindow(result, inWindow(ref, a, b), buckets), `window [${a}, ${b}] / ${buckets}`).toEqual([]);
  }
}

export function describeMetricRepoContract(name: string, open: () => Promise<MetricTestDb>): void {
  describe(`MetricRepo contract (${name})`, () => {
    let t: MetricTestDb;
    let repo: KyselyMetricRepo;
    beforeAll(async () => {
      t = await open();
      repo = createMetricRepo(t.db, t.dialect);
    });
    afterAll(async () => t?.close());

    it("keeps summaries, drops exact duplicates and round-trips NaN, ±Infinity and −0", async () => {
      const run = await newRun(t.db);
      const pts: PointRecord[] = [
        { key: "loss", step: 1, value: 2.5, time: 1000 },
        { key: "loss", step: 1, value: 2.5, time: 1000 },
        { key: "loss", step: 2, value: Number.NaN, time: 1001 },
        { key: "loss", step: 2, value: Number.NaN, time: 1001 },
        { key: "loss", step: 3, value: Number.POSITIVE_INFINITY, time: 1002 },
        { key: "loss", step: 4, value: Number.NEGATIVE_INFINITY, time: 1003 },
        { key: "loss", step: 5, value: -0, time: 1004 },
        { key: "loss", step: 5, value: 0, time: 1004 },
        { key: "acc", step: 1.5, value: 0.25, time: 1000 },
      ];
      expect(await repo.append(run, pts)).toBe(7);
      expect(await repo.append(run, pts.slice(0, 4))).toBe(0);
      const page = await repo.readPoints(run, "loss", { limit: 100 });
      expect(page?.points.map((p) => p.value)).toEqual([
        2.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        -0,
        0,
      ]);
      expect(Object.is(page?.points[4]?.value, -0)).toBe(true);
      const series = await repo.listSeries(run);
      expect(series.map((s) => s.key)).toEqual(["acc", "loss"]);
      expect(series[1]).toMatchObject({
        count: 6,
        nanCount: 1,
        finiteCount: 3,
        mean: 2.5 / 3,
        min: Number.NEGATIVE_INFINITY,
      });
      expect(series[1]).toMatchObject({ max: Number.POSITIVE_INFINITY, last: 0, lastStep: 5, lastTime: 1004 });
      const many = await repo.listSeriesForRuns([run, "f".repeat(32)]);
      expect(many.get(run)?.length).toBe(2);
      expect(many.get("f".repeat(32))).toEqual([]);
      expect(await repo.readWindow(run, "nope", { buckets: 10 })).toBeNull();
      expect(await repo.readPoints(run, "nope", { limit: 10 })).toBeNull();
    });

    it("takes as last the largest step, then the latest time, whatever the arrival order", async () => {
      const run = await newRun(t.db);
      await repo.append(run, [{ key: "k", step: 10, value: 1, time: 500 }]);
      await repo.append(run, [{ key: "k", step: 10, value: 2, time: 400 }]);
      await repo.append(run, [{ key: "k", step: 3, value: 3, time: 900 }]);
      expect((await repo.listSeries(run))[0]).toMatchObject({ last: 1, lastStep: 10, lastTime: 500 });
      await repo.append(run, [{ key: "k", step: 10, value: Number.NaN, time: 501 }]);
      const [s] = await repo.listSeries(run);
      expect(s?.last).toBeNaN();
      expect(s).toMatchObject({ lastStep: 10, lastTime: 501, count: 4 });
    });

    it("records batch ids once per run", async () => {
      const run = await newRun(t.db);
      const other = await newRun(t.db);
      expect(await repo.claimBatch(run, "b1", 1)).toBe(false);
      expect(await repo.claimBatch(run, "b1", 2)).toBe(true);
      expect(await repo.claimBatch(other, "b1", 3)).toBe(false);
    });

    const arrivals: [string, (pts: PointRecord[], random: () => number) => PointRecord[][]][] = [
      ["in order, one big batch", (pts) => [pts]],
      ["in order, small batches", (pts, random) => batches(pts, random, 40)],
      ["shuffled batches", (pts, random) => batches(shuffle(pts, random), random, 400)],
      ["reversed batches", (pts, random) => batches(pts, random, 700).reverse()],
    ];
    for (const [label, arrange] of arrivals) {
      it(`reads exactly whatever the arrival order: ${label}`, async () => {
        const run = await newRun(t.db);
        const pts = [...messySeries(7, "a", 9000), ...messySeries(8, "b", 2500)];
        const random = seededRandom(label.length);
        const groups = arrange(
          shuffle(pts, random).sort((x, y) => x.step - y.step || x.time - y.time),
          random,
        );
        const refA = referenceSeries(pts, "a");
        const refB = referenceSeries(pts, "b");
        expect(await appendAll(t.db, t.dialect, run, groups)).toBe(refA.length + refB.length);
        await expectSeriesMatches(t, run, "a", refA, 11);
        await expectSeriesMatches(t, run, "b", refB, 12);
      });
    }

    it("keeps every point of a resumed run that re-logs earlier steps", async () => {
      const run = await newRun(t.db);
      const first = messySeries(21, "loss", 6000);
      const resumed = messySeries(22, "loss", 4000).map((p) => ({ ...p, step: p.step + 2500, time: p.time + 1e9 }));
      const random = seededRandom(5);
      await appendAll(t.db, t.dialect, run, [...batches(first, random, 300), ...batches(resumed, random, 300)]);
      await expectSeriesMatches(t, run, "loss", referenceSeries([...first, ...resumed], "loss"), 23);
    });

    it("truncates after a step, for one key or all, and keeps appending afterwards", async () => {
      const run = await newRun(t.db);
      const pts = [...messySeries(31, "x", 7000), ...messySeries(32, "y", 3000)];
      await appendAll(t.db, t.dialect, run, batches(pts, seededRandom(3), 500));
      await repo.truncateAfter(run, "x", 3000.5);
      let kept = pts.filter((p) => p.key === "y" || p.step <= 3000.5);
      await expectSeriesMatches(t, run, "x", referenceSeries(kept, "x"), 33);
      await expectSeriesMatches(t, run, "y", referenceSeries(kept, "y"), 34);
      await repo.truncateAfter(run, null, 1200);
      kept = kept.filter((p) => p.step <= 1200);
      const more = messySeries(35, "x", 3000).map((p) => ({ ...p, step: p.step + 1000 }));
      await appendAll(t.db, t.dialect, run, batches(more, seededRandom(4), 600));
      kept = [...kept, ...more];
      await expectSeriesMatches(t, run, "x", referenceSeries(kept, "x"), 36);
      await expectSeriesMatches(t, run, "y", referenceSeries(kept, "y"), 37);
      await repo.truncateAfter(run, "y", -1);
      expect((await repo.listSeries(run)).map((s) => s.key)).toEqual(["x"]);
    });

    it("downsamples a long series from its rollups, exactly", async () => {
      const run = await newRun(t.db);
      const pts = messySeries(51, "long", 200_000);
      const late = messySeries(52, "long", 3000).map((p) => ({ ...p, time: p.time + 7 }));
      await appendAll(t.db, t.dialect, run, [...batches(pts, seededRandom(53), 5000), late]);
      const ref = referenceSeries([...pts, ...late], "long");
      const result = await repo.readWindow(run, "long", { buckets: 1000 });
      expect(result && checkWindow(result, ref, 1000)).toEqual([]);
      expect(result?.buckets.length).toBeGreaterThan(150);
      await expectSeriesMatches(t, run, "long", ref, 54);
    });

    it("keeps chunks in order when thousands of points share one step", async () => {
      const run = await newRun(t.db);
      const even: PointRecord[] = [];
      const odd: PointRecord[] = [];
      for (let i = 0; i < 2500; i++) {
        even.push({ key: "k", step: 10, value: i % 3, time: 2 * i });
        odd.push({ key: "k", step: 10, value: -i, time: 2 * i + 1 });
      }
      even.push({ key: "k", step: 9, value: 1, time: 0 }, { key: "k", step: 11, value: 1, time: 0 });
      await appendAll(t.db, t.dialect, run, [even]);
      await appendAll(t.db, t.dialect, run, batches(shuffle(odd, seededRandom(13)), seededRandom(14), 500));
      await expectSeriesMatches(t, run, "k", referenceSeries([...even, ...odd], "k"), 15);
    });

    it("pages through repeated steps and step windows", async () => {
      const run = await newRun(t.db);
      const pts: PointRecord[] = [];
      for (let s = 0; s < 300; s++)
        for (let j = 0; j < 1 + (s % 7); j++) pts.push({ key: "k", step: s, value: j * 0.5, time: 10 });
      await repo.append(run, shuffle(pts, seededRandom(9)));
      const ref = referenceSeries(pts, "k");
      for (const size of [1, 3, 7, 50, 5000]) expect(await readAllPoints(repo, run, "k", size)).toEqual(ref);
      expect(await readAllPoints(repo, run, "k", 4, 17, 33)).toEqual(inWindow(ref, 17, 33));
    });

    it("purges a run's metrics and nothing else", async () => {
      const run = await newRun(t.db);
      const other = await newRun(t.db);
      await repo.append(run, messySeries(41, "k", 3000));
      await repo.append(other, messySeries(42, "k", 100));
      await repo.claimBatch(run, "b", 1);
      await repo.purgeRun(run);
      expect(await repo.listSeries(run)).toEqual([]);
      expect(await repo.claimBatch(run, "b", 2)).toBe(false);
      const orphans = await t.db
        .selectFrom("metric_nodes")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("series_id", "not in", t.db.selectFrom("metric_series").select("id"))
        .executeTakeFirstOrThrow();
      expect(Number(orphans.n)).toBe(0);
      expect((await repo.listSeries(other))[0]?.count).toBe(referenceSeries(messySeries(42, "k", 100), "k").length);
    });
  });
}
