import { type FieldRef, invalidArgument, type MetricGoal, parseFilter } from "@looplab/core";
import { type Kysely, type RawBuilder, type SelectQueryBuilder, sql, type Transaction } from "kysely";
import type { GroupAggregatesRepo, GroupRecord, ValueField } from "../../ports/dashboard-store.js";
import type { Database } from "../database.js";
import type { SqlDialectName } from "../dialect.js";
import { compileFilter } from "../search/compile-filter.js";
import {
  attributeSql,
  metricHasValueSql,
  metricValueSql,
  type SearchContext,
  storedAggregate,
} from "../search/field-sql.js";
import { attributeColumn, decodeValue } from "./key-catalog.js";

type Executor = Kysely<Database> | Transaction<Database>;
// biome-ignore lint/suspicious/noExplicitAny: the derived tables below are built from raw SQL fragments
type AnyQuery = SelectQueryBuilder<any, any, any>;

/** Largest finite double: values outside ±this (±Infinity, and NaN, which compares false) are left out. */
const FINITE = sql.raw("cast(1.7976931348623157e308 as double precision)");
const finite = (v: RawBuilder<unknown>) => sql`(case when ${v} between -${FINITE} and ${FINITE} then ${v} end)`;

/**
 * Group aggregates in SQL: one pass selects each matching run's group value and field values
 * (with the group's mean as a window function), a second groups them, so the standard
 * deviation is the exact two-pass one (sum of squared deviations), not sum/sumsq.
 */
export function createGroupAggregates(db: Executor, dialect: SqlDialectName): GroupAggregatesRepo {
  return {
    async groupRuns(request) {
      const filter = parseFilter(request.filter);
      const goals = await loadGoals(db, request.projectId);
      const ctx: SearchContext = { dialect, now: request.now, goals };
      const base = (withFields: boolean): AnyQuery => {
        let q: AnyQuery = (db as Kysely<Database>).selectFrom("runs").where("runs.project_id", "=", request.projectId);
        if (!request.includeDeleted) q = q.where("runs.deleted_at", "is", null);
        if (filter) q = q.where(compileFilter(filter, ctx) as never);
        q = joinGroup(q, request.groupBy);
        if (withFields) {
          for (const [i, field] of request.fields.entries()) q = selectField(q, field, i, ctx);
        }
        return q;
      };
      const keys = sql`x.gt, x.gnum, x.gstr`;
      const partition = sql`partition by b.g_t, b.g_num, b.g_str`;
      let inner: AnyQuery = db
        .selectFrom(base(true).as("b"))
        .select([sql`b.g_t`.as("gt"), sql`b.g_num`.as("gnum"), sql`b.g_str`.as("gstr")]);
      request.fields.forEach((_, i) => {
        const v = sql.ref(`b.v${i}`);
        // The group's mean beside each value, so the variance below is the exact two-pass one.
        inner = inner.select([sql`${v}`.as(`v${i}`), sql`avg(${v}) over (${partition})`.as(`m${i}`)]);
      });
      let outer: AnyQuery = db
        .selectFrom(inner.as("x"))
        .select([sql`x.gt`.as("gt"), sql`x.gnum`.as("gnum"), sql`x.gstr`.as("gstr"), sql`count(*)`.as("n")]);
      request.fields.forEach((_, i) => {
        const v = sql.ref(`x.v${i}`);
        const m = sql.ref(`x.m${i}`);
        outer = outer.select([
          sql`count(${v})`.as(`n${i}`),
          sql`avg(${v})`.as(`mean${i}`),
          sql`min(${v})`.as(`min${i}`),
          sql`max(${v})`.as(`max${i}`),
          sql`sum((${v} - ${m}) * (${v} - ${m}))`.as(`ss${i}`),
        ]);
      });
      const rows = await outer
        .groupBy(keys)
        .orderBy(sql`count(*)`, "desc")
        .orderBy(sql`case when x.gt is null then 1 else 0 end`)
        .orderBy(sql`x.gt`)
        .orderBy(sql`x.gnum`)
        .orderBy(sql`x.gstr`)
        .limit(request.limit)
        .offset(request.offset)
        .execute();
      const counted = db
        .selectFrom(base(false).as("b"))
        .select(sql`1`.as("one"))
        .groupBy(sql`b.g_t, b.g_num, b.g_str`)
        .as("g");
      const totalRow = await db.selectFrom(counted).select(sql<number | string>`count(*)`.as("n")).executeTakeFirst();
      const groups: GroupRecord[] = rows.map((row: Record<string, unknown>) => ({
        value: decodeValue({
          t: row.gt as string | null,
          num: row.gnum as number | null,
          str: row.gstr as string | null,
        }),
        count: Number(row.n),
        stats: request.fields.map((_, i) => {
          const n = Number(row[`n${i}`] ?? 0);
          const num = (key: string) => (row[key] === null || row[key] === undefined ? null : Number(row[key]));
          const ss = num(`ss${i}`);
          return {
            n,
            mean: n > 0 ? num(`mean${i}`) : null,
            std: n > 1 && ss !== null ? Math.sqrt(Math.max(0, ss) / (n - 1)) : null,
            min: num(`min${i}`),
            max: num(`max${i}`),
          };
        }),
      }));
      return { groups, total: Number(totalRow?.n ?? 0) };
    },
  };
}

/** Selects the group value as (gt type, gnum, gstr) — the same triple the key catalogue decodes. */
function joinGroup(q: AnyQuery, field: ValueField): AnyQuery {
  switch (field.kind) {
    case "config":
      return q
        .leftJoin("run_config as g", (join) => join.onRef("g.run_id", "=", "runs.id").on("g.path", "=", field.path))
        .select([
          sql`case when g.value_type = 'null' then null else g.value_type end`.as("g_t"),
          sql`g.num_value`.as("g_num"),
          sql`g.str_value`.as("g_str"),
        ]);
    case "tag":
      return q
        .leftJoin("run_tags as g", (join) => join.onRef("g.run_id", "=", "runs.id").on("g.key", "=", field.key))
        .select([
          sql`case when g.value is null then null else 'string' end`.as("g_t"),
          sql`cast(null as double precision)`.as("g_num"),
          sql`g.value`.as("g_str"),
        ]);
    case "attribute": {
      const column = sql.ref(`runs.${attributeColumn[field.name]}`);
      return q.select([
        sql`case when ${column} is null then null else 'string' end`.as("g_t"),
        sql`cast(null as double precision)`.as("g_num"),
        sql`${column}`.as("g_str"),
      ]);
    }
  }
}

/** Joins what a numeric field needs and selects its value as `v<i>` (finite values only). */
function selectField(q: AnyQuery, field: FieldRef, i: number, ctx: SearchContext): AnyQuery {
  const alias = `f${i}`;
  switch (field.kind) {
    case "metric": {
      const aggregate = storedAggregate(field.key, field.aggregate, ctx);
      const value = sql`(case when ${metricHasValueSql(alias, aggregate)} then ${metricValueSql(alias, aggregate)} end)`;
      return q
        .leftJoin(`metric_series as ${alias}` as "metric_series as m", (join) =>
          join.onRef(`${alias}.run_id` as "m.run_id", "=", "runs.id").on(`${alias}.key` as "m.key", "=", field.key),
        )
        .select(finite(value).as(`v${i}`));
    }
    case "config":
      return q
        .leftJoin(`run_config as ${alias}` as "run_config as c", (join) =>
          join
            .onRef(`${alias}.run_id` as "c.run_id", "=", "runs.id")
            .on(`${alias}.path` as "c.path", "=", field.path)
            .on(`${alias}.value_type` as "c.value_type", "=", "number"),
        )
        .select(finite(sql.ref(`${alias}.num_value`)).as(`v${i}`));
    case "attribute":
      return q.select(finite(sql`cast(${attributeSql(field.name, ctx)} as double precision)`).as(`v${i}`));
    case "tag":
      throw invalidArgument(`tags are text: '${field.key}' cannot be averaged`, { field: `tags.${field.key}` });
  }
}

async function loadGoals(db: Executor, projectId: string): Promise<Map<string, MetricGoal>> {
  const rows = await db
    .selectFrom("metric_definitions")
    .select(["key", "goal"])
    .where("project_id", "=", projectId)
    .execute();
  return new Map(rows.map((row) => [row.key, row.goal]));
}
