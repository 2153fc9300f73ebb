import type { MetricAggregate, MetricGoal, RunAttribute } from "@looplab/core";
import { type Expression, type RawBuilder, sql } from "kysely";
import type { SqlDialectName } from "../dialect.js";

/**
 * SQL expressions for the fields of the filter language. Values always travel as
 * parameters; identifiers come from the closed sets below or from aliases this module
 * generates, never from the filter text.
 */

export interface SearchContext {
  dialect: SqlDialectName;
  /** Epoch ms standing in for `endedAt` of unfinished runs in `duration`. */
  now: number;
  /** Metric goals of the project, for the `best` aggregate. */
  goals: ReadonlyMap<string, MetricGoal>;
}

export type StoredAggregate = Exclude<MetricAggregate, "best">;

const columnByAttribute: Record<Exclude<RunAttribute, "duration">, string> = {
  name: "name",
  status: "status",
  group: "group_name",
  id: "id",
  host: "host",
  notes: "notes",
  createdAt: "created_at",
  startedAt: "started_at",
  endedAt: "ended_at",
  updatedAt: "updated_at",
};

const nullableAttributes: ReadonlySet<RunAttribute> = new Set(["group", "host", "startedAt", "endedAt", "duration"]);

export function isNullableAttribute(name: RunAttribute): boolean {
  return nullableAttributes.has(name);
}

export function attributeSql(name: RunAttribute, ctx: SearchContext): RawBuilder<unknown> {
  if (name === "duration") {
    return sql`(coalesce(${sql.ref("runs.ended_at")}, ${ctx.now}) - ${sql.ref("runs.started_at")})`;
  }
  return sql.ref(`runs.${columnByAttribute[name]}`);
}

/** `best` is min or max per the key's goal, and `last` for a key without one (DESIGN.md §4). */
export function storedAggregate(key: string, aggregate: MetricAggregate, ctx: SearchContext): StoredAggregate {
  if (aggregate !== "best") return aggregate;
  return ctx.goals.get(key) ?? "last";
}

/**
 * One summary of the `metric_series` row under `alias`; null when it has no value.
 * A NaN last value counts as no value (SQLite stores it as NULL, `last_kind` 1 says so).
 */
export function metricValueSql(alias: string, aggregate: StoredAggregate): Expression<number | null> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  switch (aggregate) {
    case "last":
      return sql<number | null>`(case when ${col("last_kind")} = 1 then null else ${col("last_value")} end)`;
    case "min":
      return col("min_value") as RawBuilder<number | null>;
    case "max":
      return col("max_value") as RawBuilder<number | null>;
    case "mean":
      return sql<number | null>`(${col("finite_sum")} / nullif(${col("finite_count")}, 0))`;
    case "count":
      return col("count") as RawBuilder<number | null>;
  }
}

/**
 * A form of the same summary that a `(key, <column>)` index can order by, for the rows
 * where `metricHasValueSql` holds; null when no index covers the aggregate.
 */
export function metricIndexedColumn(alias: string, aggregate: StoredAggregate): RawBuilder<number> | null {
  const column = { last: "last_value", min: "min_value", max: "max_value" }[aggregate as "last" | "min" | "max"];
  return column ? sql.ref<number>(`${alias}.${column}`) : null;
}

export function metricHasValueSql(alias: string, aggregate: StoredAggregate): RawBuilder<boolean> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  switch (aggregate) {
    case "last":
      return sql<boolean>`(${col("last_kind")} <> 1 and ${col("last_value")} is not null)`;
    case "min":
      return sql<boolean>`${col("min_value")} is not null`;
    case "max":
      return sql<boolean>`${col("max_value")} is not null`;
    case "mean":
      return sql<boolean>`${col("finite_count")} > 0`;
    case "count":
      return sql<boolean>`${col("count")} is not null`;
  }
}
