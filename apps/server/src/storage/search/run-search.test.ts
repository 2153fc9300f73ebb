import { isLooplabError } from "@looplab/core";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunSearchRequest } from "../../ports/store.js";
import { createScratchDatabase } from "../../testing/postgres-databases.js";
import { testPgClusterUrl } from "../../testing/test-stores.js";
import { openDatabase } from "../create-database.js";
import type { Database } from "../database.js";
import type { SqlDialectName } from "../dialect.js";
import { migrateToLatest } from "../migrate.js";
import { createRunSearch, type RunSearch } from "./run-search.js";
import { fixtures, NOW, runId, seed } from "./run-search-fixtures.js";

const nameById = new Map(fixtures.map((f) => [runId(f.n), f.name]));

interface Target {
  name: string;
  dialect: SqlDialectName;
  probeDrivers: boolean;
  url: () => Promise<string>;
}

const targets: Target[] = [
  { name: "sqlite", dialect: "sqlite", probeDrivers: true, url: async () => ":memory:" },
  { name: "sqlite (EXISTS only)", dialect: "sqlite", probeDrivers: false, url: async () => ":memory:" },
  { name: "postgres", dialect: "postgres", probeDrivers: true, url: () => createScratchDatabase(testPgClusterUrl()) },
];

describe.each(targets)("run search on $name", (target) => {
  let db: Kysely<Database>;
  let search: RunSearch;

  beforeAll(async () => {
    const opened = openDatabase({ dialect: target.dialect, target: await target.url() }, { poolSize: 2 });
    db = opened.db;
    await migrateToLatest(db as Kysely<unknown>, opened.dialect);
    await seed(db);
    search = createRunSearch(db, opened.dialect, { now: () => NOW, probeDrivers: target.probeDrivers });
  });

  afterAll(async () => {
    await db?.destroy();
  });

  const request = (overrides: Partial<RunSearchRequest>): RunSearchRequest => ({
    projectId: "p1",
    filter: "",
    sort: "",
    offset: 0,
    limit: 100,
    includeDeleted: false,
    withTotal: false,
    ...overrides,
  });

  /** Names of the matching runs, in order. */
  const names = async (filter: string, sort = "", extra: Partial<RunSearchRequest> = {}) => {
    const result = await search(request({ filter, sort, ...extra }));
    return result.runIds.map((id) => nameById.get(id));
  };
  /** Names in name order, for filters whose order does not matter. */
  const matching = async (filter: string) => (await names(filter, "name")).sort();

  it("matches every live run of the project for an empty filter", async () => {
    expect(await names("")).toEqual(["abl-lr-small", "abl-lr-big", "base", "queued-one"]);
    expect(await names("", "-createdAt")).toEqual(["queued-one", "base", "abl-lr-big", "abl-lr-small"]);
  });

  it("combines and, or, not and parentheses", async () => {
    expect(await matching('name = "base" or tags.model = "vit"')).toEqual(["abl-lr-big", "base"]);
    expect(await matching('not tags has "baseline" and config.lr < 0.05')).toEqual(["base"]);
    expect(await matching('not (tags has "baseline" or config.lr < 0.05)')).toEqual(["abl-lr-big", "queued-one"]);
    expect(await matching('status = "running" or status = "failed" and config.lr > 0.05')).toEqual([
      "abl-lr-big",
      "base",
    ]);
    expect(await matching('(status = "running" or status = "failed") and config.lr > 0.05')).toEqual(["abl-lr-big"]);
  });

  it("filters with in and not in", async () => {
    expect(await matching('status in ("finished", "failed")')).toEqual(["abl-lr-big", "abl-lr-small"]);
    expect(await matching('status not in ("running")')).toEqual(["abl-lr-big", "abl-lr-small", "queued-one"]);
    expect(await matching("config.lr in (0.1, 0.01)")).toEqual(["abl-lr-big", "base"]);
    expect(await matching('tags.model in ("resnet", "mlp")')).toEqual(["abl-lr-small"]);
    expect(await matching('tags.model not in ("resnet")')).toEqual(["abl-lr-big"]);
    // A missing group matches neither `in` nor `not in`; `not (… in …)` includes it.
    expect(await matching('group not in ("g2")')).toEqual(["abl-lr-small", "base"]);
    expect(await matching('not group in ("g1")')).toEqual(["abl-lr-big", "queued-one"]);
    expect(await matching("metrics.val/acc.max in (0.95)")).toEqual(["abl-lr-big"]);
  });

  it("matches regular expressions", async () => {
    expect(await matching('name ~ "^abl-"')).toEqual(["abl-lr-big", "abl-lr-small"]);
    expect(await matching('name !~ "^abl-"')).toEqual(["base", "queued-one"]);
    expect(await matching('config.optimizer.name ~ "^ad"')).toEqual(["abl-lr-small", "base"]);
    expect(await matching('tags.model ~ "net$"')).toEqual(["abl-lr-small"]);
    expect(await matching('host ~ "gpu"')).toEqual(["abl-lr-small"]);
    expect(await matching('not host ~ "gpu"')).toEqual(["abl-lr-big", "base", "queued-one"]);
    expect(await matching('name ~ "lr-(small|big)$"')).toEqual(["abl-lr-big", "abl-lr-small"]);
  });

  it("queries nested config paths with typed comparisons", async () => {
    expect(await matching('config.optimizer.name = "sgd"')).toEqual(["abl-lr-big"]);
    expect(await matching("config.depth = 50")).toEqual(["abl-lr-small"]);
    expect(await matching('config.depth = "50"')).toEqual(["abl-lr-big"]);
    expect(await matching("config.depth >= 10")).toEqual(["abl-lr-small"]);
    expect(await matching("config.amp = true")).toEqual(["abl-lr-small"]);
    expect(await matching("config.amp != true")).toEqual(["abl-lr-big"]);
    expect(await matching("config.amp = 1")).toEqual([]);
    expect(await matching('config.depth in (50, "50")')).toEqual(["abl-lr-big", "abl-lr-small"]);
    expect(await matching("config.lr != 0.1")).toEqual(["abl-lr-small", "base"]);
    expect(await matching("not config.lr = 0.1")).toEqual(["abl-lr-small", "base", "queued-one"]);
    expect(await matching("config.optimizer.betas exists")).toEqual(["abl-lr-small"]);
    expect(await matching('config has "optimizer"')).toEqual(["abl-lr-big", "abl-lr-small", "base"]);
    expect(await matching('config has "optimizer.name"')).toEqual(["abl-lr-big", "abl-lr-small", "base"]);
    expect(await matching('config has "opt"')).toEqual([]);
    expect(await matching('config has "note"')).toEqual(["abl-lr-small"]);
    expect(await matching("config.note exists")).toEqual([]);
    expect(await matching("config.note is null")).toEqual(["abl-lr-big", "abl-lr-small", "base", "queued-one"]);
  });

  it("filters on tags", async () => {
    expect(await matching('tags has "baseline"')).toEqual(["abl-lr-small"]);
    expect(await matching('not tags has "baseline"')).toEqual(["abl-lr-big", "base", "queued-one"]);
    expect(await matching('tags.baseline = ""')).toEqual(["abl-lr-small"]);
    expect(await matching('tags.team = "vision"')).toEqual(["base"]);
    expect(await matching("tags.model exists")).toEqual(["abl-lr-big", "abl-lr-small"]);
    expect(await matching("tags.model is null")).toEqual(["base", "queued-one"]);
    expect(await matching('tags.model > "s"')).toEqual(["abl-lr-big"]);
  });

  it("filters on metric summaries", async () => {
    expect(await matching("metrics.val/acc.max > 0.92")).toEqual(["abl-lr-big"]);
    expect(await matching("metrics.val/acc > 0.8")).toEqual(["abl-lr-small"]);
    expect(await matching("metrics.val/acc.min < 0.55")).toEqual(["abl-lr-small"]);
    expect(await matching("metrics.val/acc.mean >= 0.75")).toEqual(["abl-lr-big"]);
    expect(await matching("metrics.loss.count = 5")).toEqual(["abl-lr-small"]);
    expect(await matching("metrics.loss.mean = 0.5")).toEqual(["abl-lr-small"]);
    expect(await matching("metrics.`a.b` = 1")).toEqual(["abl-lr-small"]);
    expect(await matching('metrics has "val/acc"')).toEqual(["abl-lr-big", "abl-lr-small"]);
  });

  it("reads best per the metric's goal, and as last without one", async () => {
    expect(await matching("metrics.val/acc.best > 0.92")).toEqual(["abl-lr-big"]);
    expect(await matching("metrics.loss.best < 0.15")).toEqual(["abl-lr-small"]);
    // `plain` has a goal in another project only: best is last here.
    expect(await matching("metrics.plain.best = 5")).toEqual(["abl-lr-big"]);
    expect(await names("", "-metrics.loss.best")).toEqual(["abl-lr-big", "base", "abl-lr-small", "queued-one"]);
  });

  it("treats NaN last values as no value and keeps infinities", async () => {
    expect(await matching("metrics.loss > 0")).toEqual(["abl-lr-big", "base"]);
    expect(await matching("metrics.loss > 1e300")).toEqual(["base"]);
    expect(await matching("metrics.loss < 1e300")).toEqual(["abl-lr-big"]);
    expect(await matching("metrics.loss exists")).toEqual(["abl-lr-big", "abl-lr-small", "base"]);
    expect(await matching("metrics.loss.last exists")).toEqual(["abl-lr-big", "base"]);
    expect(await matching("metrics.loss.last is null")).toEqual(["abl-lr-small", "queued-one"]);
    expect(await matching("metrics.loss.max > 2.5")).toEqual(["abl-lr-big", "base"]);
    expect(await names("", "-metrics.loss")).toEqual(["base", "abl-lr-big", "abl-lr-small", "queued-one"]);
    expect(await names("", "metrics.loss")).toEqual(["abl-lr-big", "base", "abl-lr-small", "queued-one"]);
  });

  it("compares times and durations", async () => {
    expect(await matching("createdAt >= 2000")).toEqual(["abl-lr-big", "base", "queued-one"]);
    expect(await matching('createdAt < "1970-01-01T00:00:02Z"')).toEqual(["abl-lr-small"]);
    expect(await matching("startedAt exists")).toEqual(["abl-lr-big", "abl-lr-small"]);
    expect(await matching("endedAt is null")).toEqual(["abl-lr-big", "base", "queued-one"]);
    // Unfinished runs count up to now: abl-lr-big has run 7,900 ms, abl-lr-small 1,000 ms.
    expect(await matching("duration > 5000")).toEqual(["abl-lr-big"]);
    expect(await matching("duration <= 1000")).toEqual(["abl-lr-small"]);
    expect(await names("", "-duration")).toEqual(["abl-lr-big", "abl-lr-small", "base", "queued-one"]);
    expect(await names("", "duration")).toEqual(["abl-lr-small", "abl-lr-big", "base", "queued-one"]);
  });

  it("sorts by metrics with missing values last in both directions", async () => {
    expect(await names("", "-metrics.val/acc.max")).toEqual(["abl-lr-big", "abl-lr-small", "base", "queued-one"]);
    expect(await names("", "metrics.val/acc.max")).toEqual(["abl-lr-small", "abl-lr-big", "base", "queued-one"]);
    expect(await names("", "-metrics.val/acc.mean")).toEqual(["abl-lr-big", "abl-lr-small", "base", "queued-one"]);
    expect(await names("", "-metrics.loss.count")).toEqual(["abl-lr-small", "abl-lr-big", "base", "queued-one"]);
    expect(await names("", "-metrics.val/acc.max,-name")).toEqual(["abl-lr-big", "abl-lr-small", "queued-one", "base"]);
    expect(await names("metrics.val/acc.max > 0.5", "metrics.val/acc.max")).toEqual(["abl-lr-small", "abl-lr-big"]);
    expect(await names("metrics.val/acc.max < 0.94 and name ~ 'abl'", "-metrics.val/acc.max")).toEqual([
      "abl-lr-small",
    ]);
  });

  it("sorts by config values: numbers, then strings, then missing", async () => {
    expect(await names("", "config.lr")).toEqual(["abl-lr-small", "base", "abl-lr-big", "queued-one"]);
    expect(await names("", "-config.lr")).toEqual(["abl-lr-big", "base", "abl-lr-small", "queued-one"]);
    expect(await names("", "config.depth")).toEqual(["abl-lr-small", "abl-lr-big", "base", "queued-one"]);
    expect(await names("", "config.optimizer.name,-metrics.val/acc.max")).toEqual([
      "abl-lr-small",
      "base",
      "abl-lr-big",
      "queued-one",
    ]);
    expect(await names("", "-config.optimizer.name,metrics.loss.min")).toEqual([
      "abl-lr-big",
      "abl-lr-small",
      "base",
      "queued-one",
    ]);
  });

  it("sorts by tags and attributes with later keys as LEFT JOINs", async () => {
    expect(await names("", "tags.model,-config.lr")).toEqual(["abl-lr-small", "abl-lr-big", "base", "queued-one"]);
    expect(await names("", "-tags.model")).toEqual(["abl-lr-big", "abl-lr-small", "base", "queued-one"]);
    expect(await names("", "group,-name")).toEqual(["base", "abl-lr-small", "queued-one", "abl-lr-big"]);
    expect(await names("", "-group,-name")).toEqual(["base", "abl-lr-small", "queued-one", "abl-lr-big"]);
    expect(await names("", "group,-metrics.val/acc.max")).toEqual(["abl-lr-small", "base", "abl-lr-big", "queued-one"]);
    expect(await names("", "group,config.depth,tags.model")).toEqual([
      "abl-lr-small",
      "base",
      "abl-lr-big",
      "queued-one",
    ]);
    expect(await names("", "status")).toEqual(["abl-lr-big", "abl-lr-small", "queued-one", "base"]);
  });

  it("pages with offset and limit across the runs with and without the sort value", async () => {
    const page = (offset: number, limit: number, withTotal = false) =>
      search(request({ sort: "-metrics.val/acc.max", offset, limit, withTotal }));
    const named = async (offset: number, limit: number) => {
      const r = await page(offset, limit);
      return { names: r.runIds.map((id) => nameById.get(id)), hasMore: r.hasMore };
    };
    expect(await named(0, 1)).toEqual({ names: ["abl-lr-big"], hasMore: true });
    expect(await named(1, 2)).toEqual({ names: ["abl-lr-small", "base"], hasMore: true });
    expect(await named(2, 2)).toEqual({ names: ["base", "queued-one"], hasMore: false });
    expect(await named(3, 5)).toEqual({ names: ["queued-one"], hasMore: false });
    expect(await named(10, 5)).toEqual({ names: [], hasMore: false });
    expect(await page(0, 2, true)).toMatchObject({ total: 4, hasMore: true });
    expect(await page(0, 2)).toMatchObject({ total: null });
    expect(await page(0, 0, true)).toEqual({ runIds: [], total: 4, hasMore: true });
    const filtered = await search(request({ filter: 'name ~ "^abl"', sort: "name", limit: 1, withTotal: true }));
    expect(filtered).toEqual({ runIds: [runId(2)], total: 2, hasMore: true });
  });

  it("hides deleted runs unless asked and never leaves the project", async () => {
    expect(await matching('tags.model = "resnet"')).toEqual(["abl-lr-small"]);
    expect(await names('tags.model = "resnet"', "name", { includeDeleted: true })).toEqual([
      "abl-lr-small",
      "x-deleted",
    ]);
    expect(await names("", "-metrics.val/acc.max", { includeDeleted: true, limit: 1 })).toEqual(["x-deleted"]);
    expect(await names("", "", { projectId: "p2" })).toEqual(["elsewhere"]);
    expect(await names("", "", { projectId: "nope" })).toEqual([]);
  });

  it("passes values as parameters", async () => {
    expect(await matching(`name = "x' or '1'='1"`)).toEqual([]);
    expect(await matching(`tags.\`model'; drop table runs; --\` = "x"`)).toEqual([]);
    expect(await matching(`config.\`a"b\` = 1`)).toEqual([]);
    expect(await names("")).toHaveLength(4);
  });

  it("rejects bad filters and sorts with 400s", async () => {
    const rejection = async (overrides: Partial<RunSearchRequest>) => {
      const error = await search(request(overrides)).catch((e: unknown) => e);
      expect(isLooplabError(error) && error.code).toBe("INVALID_ARGUMENT");
      return (error as Error).message;
    };
    expect(await rejection({ filter: "config.lr < " })).toBe("filter: expected a value after '<' at column 13");
    expect(await rejection({ sort: "-metrics.loss.median" })).toContain("sort: unknown aggregate 'median'");
    expect(await rejection({ offset: -1 })).toContain("offset");
    if (target.dialect === "postgres") {
      // Valid in JavaScript, not in PostgreSQL's POSIX flavour.
      expect(await rejection({ filter: 'name ~ "(?<n>abl)"' })).toContain("regular expression");
    }
  });
});
