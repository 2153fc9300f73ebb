import type { CompareOp, FieldRef, FilterExpr, SortKey } from "@looplab/core";
import { type Expression, type OrderByItemBuilder, type SelectQueryBuilder, sql } from "kysely";
import type { Database } from "../database.js";
import type { MetricSeriesTable, RunConfigTable, RunTagsTable } from "../db-schema.js";
import {
  attributeSql,
  isNullableAttribute,
  metricHasValueSql,
  metricIndexedColumn,
  metricValueSql,
  type SearchContext,
  storedAggregate,
} from "./field-sql.js";

/**
 * Compiles sort keys to an ordered list of query "parts": disjoint slices of the result that,
 * read one after the other, give the full order. Runs lacking a sort value come last in
 * both directions, and `runs.id` breaks ties, so the order is total and stable.
 *
 * When the first key is a metric, config or tag value, the runs having it are one part (an
 * inner join that the (key, value) index can walk in order, stopping at the page end) and
 * the runs lacking it another; a single LEFT JOIN would make SQLite sort every run of the
 * project first. Later keys are LEFT JOINs on their key or path.
 */

type MetricAlias = `sm${number}`;
type ConfigAlias = `sc${number}`;
type TagAlias = `st${number}`;
export type SortTables = Record<MetricAlias, MetricSeriesTable> &
  Record<ConfigAlias, RunConfigTable> &
  Record<TagAlias, RunTagsTable>;
export type SearchTables = Database & SortTables;
export type SearchQuery = SelectQueryBuilder<
  SearchTables,
  "runs" | MetricAlias | ConfigAlias | TagAlias,
  { id: string }
>;
export type SortPart = (qb: SearchQuery) => SearchQuery;

type Direction = (ob: OrderByItemBuilder) => OrderByItemBuilder;
const direction =
  (descending: boolean, nullsLast: boolean): Direction =>
  (ob) => {
    const ordered = descending ? ob.desc() : ob.asc();
    return nullsLast ? ordered.nullsLast() : ordered;
  };

/** `filter` lets the first metric key's part use the filter's range on the same summary. */
export function planSort(keys: SortKey[], ctx: SearchContext, filter: FilterExpr | null = null): SortPart[] {
  const [first, ...rest] = keys;
  const tail: SortPart = (qb) =>
    rest.reduce((q, key, i) => orderByJoined(q, key, i + 1, ctx), qb).orderBy("runs.id", (ob) => ob.asc());
  if (!first) return [tail];
  if (first.field.kind === "attribute") {
    const field = first.field;
    return [
      (qb) =>
        tail(qb.orderBy(attributeSql(field.name, ctx), direction(first.descending, isNullableAttribute(field.name)))),
    ];
  }
  return firstKeyParts(first.field, first.descending, ctx, filter).map((part) => (qb: SearchQuery) => tail(part(qb)));
}

interface MetricBound {
  op: Exclude<CompareOp, "!=">;
  value: number;
}

/**
 * Top-level conjuncts of the filter that bound the same metric summary as the sort key:
 * they let the index walk start at the bound, and they rule out runs lacking the value.
 */
function metricBounds(
  filter: FilterExpr | null,
  field: Extract<FieldRef, { kind: "metric" }>,
  ctx: SearchContext,
): { bounds: MetricBound[]; required: boolean } {
  const aggregate = storedAggregate(field.key, field.aggregate, ctx);
  const sameSummary = (other: FieldRef) =>
    other.kind === "metric" &&
    other.key === field.key &&
    storedAggregate(other.key, other.aggregate, ctx) === aggregate;
  const conjuncts = filter === null ? [] : filter.kind === "and" ? filter.items : [filter];
  const bounds: MetricBound[] = [];
  let required = false;
  for (const item of conjuncts) {
    if (item.kind === "compare" && sameSummary(item.field)) {
      required = true;
      if (item.op !== "!=" && item.value.kind === "number") bounds.push({ op: item.op, value: item.value.value });
    } else if (item.kind === "in" && sameSummary(item.field)) {
      required = true;
    } else if (
      item.kind === "exists" &&
      !item.negated &&
      item.field.kind === "metric" &&
      item.field.explicitAggregate
    ) {
      required ||= sameSummary(item.field);
    }
  }
  return { bounds, required };
}

function firstKeyParts(
  field: Exclude<FieldRef, { kind: "attribute" }>,
  descending: boolean,
  ctx: SearchContext,
  filter: FilterExpr | null,
): SortPart[] {
  const dir = direction(descending, false);
  switch (field.kind) {
    case "metric": {
      const aggregate = storedAggregate(field.key, field.aggregate, ctx);
      const alias: MetricAlias = "sm0";
      const order = metricIndexedColumn(alias, aggregate) ?? metricValueSql(alias, aggregate);
      const { bounds, required } = metricBounds(filter, field, ctx);
      const withValue: SortPart = (qb) =>
        bounds
          .reduce(
            (q, bound) => q.where((eb) => eb(order, bound.op, bound.value)),
            qb.innerJoin(`metric_series as ${alias}`, (join) =>
              join.onRef(`${alias}.run_id`, "=", "runs.id").on(`${alias}.key`, "=", field.key),
            ),
          )
          .where(metricHasValueSql(alias, aggregate))
          .orderBy(order, dir);
      if (required) return [withValue];
      return [
        withValue,
        (qb) =>
          qb.where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom("metric_series as m")
                  .select(sql.lit(1).as("one"))
                  .whereRef("m.run_id", "=", "runs.id")
                  .where("m.key", "=", field.key)
                  .where(metricHasValueSql("m", aggregate)),
              ),
            ),
          ),
      ];
    }
    case "config": {
      const alias: ConfigAlias = "sc0";
      const joined = (qb: SearchQuery) =>
        qb.innerJoin(`run_config as ${alias}`, (join) =>
          join.onRef(`${alias}.run_id`, "=", "runs.id").on(`${alias}.path`, "=", field.path),
        );
      // Numbers (and booleans as 1/0) first, then strings, then runs without a value.
      return [
        (qb) => joined(qb).where(`${alias}.num_value`, "is not", null).orderBy(`${alias}.num_value`, dir),
        (qb) =>
          joined(qb)
            .where(`${alias}.num_value`, "is", null)
            .where(`${alias}.str_value`, "is not", null)
            .orderBy(`${alias}.str_value`, dir),
        (qb) =>
          qb.where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom("run_config as c")
                  .select(sql.lit(1).as("one"))
                  .whereRef("c.run_id", "=", "runs.id")
                  .where("c.path", "=", field.path)
                  .where((sub) => sub.or([sub("c.num_value", "is not", null), sub("c.str_value", "is not", null)])),
              ),
            ),
          ),
      ];
    }
    case "tag": {
      const alias: TagAlias = "st0";
      return [
        (qb) =>
          qb
            .innerJoin(`run_tags as ${alias}`, (join) =>
              join.onRef(`${alias}.run_id`, "=", "runs.id").on(`${alias}.key`, "=", field.key),
            )
            .orderBy(`${alias}.value`, dir),
        (qb) =>
          qb.where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom("run_tags as t")
                  .select(sql.lit(1).as("one"))
                  .whereRef("t.run_id", "=", "runs.id")
                  .where("t.key", "=", field.key),
              ),
            ),
          ),
      ];
    }
  }
}

/** A later sort key: LEFT JOIN on its key or path under a fresh alias, missing values last. */
function orderByJoined(qb: SearchQuery, key: SortKey, index: number, ctx: SearchContext): SearchQuery {
  const field = key.field;
  const dir = direction(key.descending, true);
  switch (field.kind) {
    case "attribute":
      return qb.orderBy(attributeSql(field.name, ctx), direction(key.descending, isNullableAttribute(field.name)));
    case "metric": {
      const alias: MetricAlias = `sm${index}`;
      const value: Expression<number | null> = metricValueSql(alias, storedAggregate(field.key, field.aggregate, ctx));
      return qb
        .leftJoin(`metric_series as ${alias}`, (join) =>
          join.onRef(`${alias}.run_id`, "=", "runs.id").on(`${alias}.key`, "=", field.key),
        )
        .orderBy(value, dir);
    }
    case "config": {
      const alias: ConfigAlias = `sc${index}`;
      return qb
        .leftJoin(`run_config as ${alias}`, (join) =>
          join.onRef(`${alias}.run_id`, "=", "runs.id").on(`${alias}.path`, "=", field.path),
        )
        .orderBy(`${alias}.num_value`, dir)
        .orderBy(`${alias}.str_value`, dir);
    }
    case "tag": {
      const alias: TagAlias = `st${index}`;
      return qb
        .leftJoin(`run_tags as ${alias}`, (join) =>
          join.onRef(`${alias}.run_id`, "=", "runs.id").on(`${alias}.key`, "=", field.key),
        )
        .orderBy(`${alias}.value`, dir);
    }
  }
}
