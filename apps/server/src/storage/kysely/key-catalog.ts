import { type Kysely, type SelectQueryBuilder, sql, type Transaction } from "kysely";
import type {
  ConfigValueType,
  FieldValue,
  KeyCatalogRepo,
  ValueField,
  ValueListRequest,
} from "../../ports/dashboard-store.js";
import type { Database } from "../database.js";

type Executor = Kysely<Database> | Transaction<Database>;

/** `substr(column, 1, n) = prefix`: a prefix test without LIKE's wildcards to escape. */
function startsWith(column: string, prefix: string) {
  return sql<boolean>`substr(${sql.ref(column)}, 1, ${prefix.length}) = ${prefix}`;
}

/** Rows of the project's live runs joined to a side table aliased `s` (run_config, run_tags, metric_series). */
function liveRuns<T extends "run_config" | "run_tags" | "metric_series">(db: Executor, table: T, projectId: string) {
  return db
    .selectFrom(`${table} as s` as "run_config as s")
    .innerJoin("runs as r", "r.id", "s.run_id")
    .where("r.project_id", "=", projectId)
    .where("r.deleted_at", "is", null);
}

/**
 * Keys and values of a project's runs. Keys come from the key registry (`project_keys`,
 * key-registry.ts), which the run and metric stores keep exact in the same transaction as
 * their writes, so the answer is current and costs a few index rows whatever the number of
 * runs. Values of one field are grouped by SQL over the indexed side tables.
 */
export function createKeyCatalog(db: Executor): KeyCatalogRepo {
  const registry = (projectId: string, kind: "config" | "tag" | "metric", prefix: string | undefined) =>
    db
      .selectFrom("project_keys")
      .where("project_id", "=", projectId)
      .where("kind", "=", kind)
      .$if(prefix !== undefined && prefix !== "", (q) => q.where(startsWith("key", prefix ?? "")));

  /**
   * Whether every `run_config` row of a config path belongs to a live run of the project: true
   * when the registry's count of such runs equals the number of rows with that path (the
   * former are a subset of the latter). Then the values are grouped from the path's covering
   * index alone, without joining each row to its run (the common case of one project).
   */
  async function everyRowIsLive(projectId: string, field: ValueField): Promise<boolean> {
    if (field.kind !== "config") return false;
    const [live, all] = await Promise.all([
      registry(projectId, "config", undefined)
        .select((eb) => eb.fn.sum<number | string | null>("runs").as("n"))
        .where("key", "=", field.path)
        .executeTakeFirst(),
      db
        .selectFrom("run_config")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .where("path", "=", field.path)
        .executeTakeFirst(),
    ]);
    return Number(live?.n ?? 0) === Number(all?.n ?? 0);
  }

  return {
    async listKeys({ projectId, limit, prefix }) {
      // A run has one value type per path, so a path's run count is the sum over its types.
      const configPaths = await registry(projectId, "config", prefix)
        .select(["key as path", (eb) => eb.fn.sum<number | string>("runs").as("runs")])
        .groupBy("key")
        .orderBy("key")
        .limit(limit + 1)
        .execute();
      const paths = configPaths.slice(0, limit).map((r) => r.path);
      const typeRows =
        paths.length === 0
          ? []
          : await registry(projectId, "config", undefined)
              .select(["key as path", "value_type"])
              .where("key", "in", paths)
              .execute();
      const types = new Map<string, ConfigValueType[]>();
      for (const row of typeRows) {
        const list = types.get(row.path) ?? [];
        list.push(row.value_type as ConfigValueType);
        types.set(row.path, list);
      }

      const sideKeys = (kind: "tag" | "metric") =>
        registry(projectId, kind, prefix)
          .select(["key", "runs"])
          .orderBy("key")
          .limit(limit + 1)
          .execute();
      const [metricRows, tagRows] = await Promise.all([sideKeys("metric"), sideKeys("tag")]);
      return {
        config: configPaths.slice(0, limit).map((r) => ({
          path: r.path,
          types: (types.get(r.path) ?? []).sort(),
          runs: Number(r.runs),
        })),
        metrics: metricRows.slice(0, limit).map((r) => ({ key: r.key, runs: Number(r.runs) })),
        tags: tagRows.slice(0, limit).map((r) => ({ key: r.key, runs: Number(r.runs) })),
        truncated: {
          config: configPaths.length > limit,
          metrics: metricRows.length > limit,
          tags: tagRows.length > limit,
        },
      };
    },

    async listValues(request) {
      const rows = await valueQuery(db, request, await everyRowIsLive(request.projectId, request.field)).execute();
      const values = rows.slice(0, request.limit).map((r) => ({ value: decodeValue(r), count: Number(r.n) }));
      return { values, truncated: rows.length > request.limit };
    },
  };
}

interface ValueRow {
  t: string | null;
  num: number | null;
  str: string | null;
  n: number | string;
}

/** Turns the (type, number, string) triple of a grouped value back into a JSON value. */
export function decodeValue(row: { t: string | null; num: number | null; str: string | null }): FieldValue {
  switch (row.t) {
    case "number":
      return row.num === null ? null : Number(row.num);
    case "boolean":
      return Number(row.num) !== 0;
    case "string":
    case "json":
      return row.str;
    default:
      return null;
  }
}

/** The column of `runs` for an attribute that can be listed or grouped by. */
export const attributeColumn = { status: "status", group: "group_name", name: "name", host: "host" } as const;

function valueQuery(
  db: Executor,
  request: ValueListRequest,
  everyRowIsLive: boolean,
): SelectQueryBuilder<Database, never, ValueRow> {
  const { projectId, field, prefix, limit } = request;
  const hasPrefix = prefix !== undefined && prefix !== "";
  const count = sql<number | string>`count(*)`.as("n");
  const ordered = <Q extends SelectQueryBuilder<Database, never, ValueRow>>(q: Q) =>
    q
      .orderBy(sql`count(*)`, "desc")
      // Nulls last on both dialects (by default SQLite sorts them first, PostgreSQL last).
      .orderBy(sql`num nulls last`)
      .orderBy(sql`str nulls last`)
      .limit(limit + 1) as Q;
  switch (field.kind) {
    case "config": {
      // Numbers are matched against their text form, so `prefix=0.0` finds 0.001.
      const text = sql`coalesce(s.str_value, cast(s.num_value as text))`;
      const rows = everyRowIsLive
        ? (db.selectFrom("run_config as s") as unknown as ReturnType<typeof liveRuns<"run_config">>)
        : liveRuns(db, "run_config", projectId);
      const q = rows
        .select([
          sql<string>`s.value_type`.as("t"),
          sql<number | null>`s.num_value`.as("num"),
          sql<string | null>`s.str_value`.as("str"),
          count,
        ])
        .where("s.path", "=", field.path)
        .$if(hasPrefix, (qb) => qb.where(sql<boolean>`substr(${text}, 1, ${prefix?.length ?? 0}) = ${prefix ?? ""}`))
        .groupBy(["s.value_type", "s.num_value", "s.str_value"]);
      return ordered(q as unknown as SelectQueryBuilder<Database, never, ValueRow>);
    }
    case "tag": {
      const q = db
        .selectFrom("run_tags as s")
        .innerJoin("runs as r", "r.id", "s.run_id")
        .where("r.project_id", "=", projectId)
        .where("r.deleted_at", "is", null)
        .where("s.key", "=", field.key)
        .select([
          sql<string>`'string'`.as("t"),
          sql<number | null>`null`.as("num"),
          sql<string | null>`s.value`.as("str"),
          count,
        ])
        .$if(hasPrefix, (qb) => qb.where(startsWith("s.value", prefix ?? "")))
        .groupBy("s.value");
      return ordered(q as unknown as SelectQueryBuilder<Database, never, ValueRow>);
    }
    case "attribute": {
      const column = `r.${attributeColumn[field.name]}`;
      const q = db
        .selectFrom("runs as r")
        .where("r.project_id", "=", projectId)
        .where("r.deleted_at", "is", null)
        .select([
          sql<string>`case when ${sql.ref(column)} is null then null else 'string' end`.as("t"),
          sql<number | null>`null`.as("num"),
          sql.ref<string | null>(column).as("str"),
          count,
        ])
        .$if(hasPrefix, (qb) => qb.where(startsWith(column, prefix ?? "")))
        .groupBy(sql.ref(column));
      return ordered(q as unknown as SelectQueryBuilder<Database, never, ValueRow>);
    }
  }
}

export type { ValueField };
