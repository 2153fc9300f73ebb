import type { FieldRef, FilterExpr, Literal } from "@looplab/core";
import { type Expression, type ExpressionBuilder, expressionBuilder, type SqlBool, sql } from "kysely";
import type { Database } from "../database.js";
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
 * Compiles a filter AST to a WHERE condition on `runs`. A condition on config, tags or
 * metrics is a subquery over its side table ("side query"): a correlated EXISTS by default,
 * which uses the (run_id, …) primary keys and lets SQLite walk runs in sort order and stop at
 * the page end; or `runs.id IN (…)` for the conjuncts listed in `drivers`, which SQLite can
 * then start from when they match few runs.
 *
 * Semantics: a comparison holds only for runs that have a value of the literal's type
 * (`config.lr != 0.1` skips runs without a numeric `lr`), while `not` is plain boolean
 * negation (`not config.lr = 0.1` includes them). Every condition is two-valued, so `not`
 * never meets SQL's NULL.
 */

export type RunsExpressionBuilder = ExpressionBuilder<Database, "runs">;
type Condition = Expression<SqlBool>;
/** A test on one value expression, e.g. `v > 0.5`. */
type ValueTest = (value: Expression<unknown>) => Condition;

export interface SideQueryOptions {
  /** Adds `run_id = runs.id`, for EXISTS. */
  correlated: boolean;
  limit?: number;
  /**
   * For counting candidates only: may select a superset (config rows of any type), so that
   * the count reads the (path, value) index alone.
   */
  superset?: boolean;
}
/** `select run_id from <side table> where …`: the runs a condition holds for. */
export type SideQuery = (options: SideQueryOptions) => Expression<{ run_id: string }>;

const qb = expressionBuilder<Database, "runs">();

export function compileFilter(
  expr: FilterExpr,
  ctx: SearchContext,
  drivers: ReadonlySet<FilterExpr> = new Set(),
): (eb: RunsExpressionBuilder) => Expression<SqlBool> {
  return (eb) => compile(eb, expr, ctx, drivers);
}

function compile(
  eb: RunsExpressionBuilder,
  expr: FilterExpr,
  ctx: SearchContext,
  drivers: ReadonlySet<FilterExpr>,
): Condition {
  switch (expr.kind) {
    case "and":
      return eb.and(expr.items.map((item) => compile(eb, item, ctx, drivers)));
    case "or":
      return eb.or(expr.items.map((item) => compile(eb, item, ctx, drivers)));
    case "not":
      return eb.not(compile(eb, expr.item, ctx, drivers));
    default: {
      const side = sideQuery(expr, ctx);
      if (!side) return attributeCondition(eb, expr, ctx);
      if (drivers.has(expr)) return sql<SqlBool>`${sql.ref("runs.id")} in (${side({ correlated: false })})`;
      const exists = eb.exists(side({ correlated: true }));
      return expr.kind === "exists" && expr.negated ? eb.not(exists) : exists;
    }
  }
}

/**
 * The side query of a condition on config, tags or metrics; null for run attributes and for
 * and/or/not. For a negated `exists` (`x is null`) it selects the runs that have the value.
 */
export function sideQuery(expr: FilterExpr, ctx: SearchContext): SideQuery | null {
  switch (expr.kind) {
    case "and":
    case "or":
    case "not":
      return null;
    case "has":
      return hasQuery(expr.scope, expr.key);
    case "exists":
      return existsQuery(expr.field, ctx);
    case "compare":
      return valueQuery(expr.field, ctx, [expr.value], () => (v) => qb(v, expr.op, literalParam(expr.value)));
    case "in":
      return valueQuery(expr.field, ctx, expr.values, (values) => {
        const params = values.map(literalParam);
        return (v) => qb(v, expr.negated ? "not in" : "in", params);
      });
    case "match": {
      const pseudo: Literal = { kind: "string", value: expr.pattern, column: expr.column };
      return valueQuery(expr.field, ctx, [pseudo], () => matchTest(expr.op, expr.pattern, ctx));
    }
  }
}

function matchTest(op: "~" | "!~", pattern: string, ctx: SearchContext): ValueTest {
  const operator = ctx.dialect === "postgres" ? "~" : "regexp";
  return (v) => (op === "~" ? qb(v, operator, pattern) : qb.not(qb(v, operator, pattern)));
}

function literalParam(literal: Literal): number | string {
  if (literal.kind === "boolean") return literal.value ? 1 : 0;
  return literal.value;
}

function attributeCondition(eb: RunsExpressionBuilder, expr: FilterExpr, ctx: SearchContext): Condition {
  if (expr.kind !== "compare" && expr.kind !== "in" && expr.kind !== "match" && expr.kind !== "exists") {
    throw new Error(`unexpected ${expr.kind} condition`);
  }
  if (expr.field.kind !== "attribute") throw new Error("expected a run attribute");
  const name = expr.field.name;
  const value = attributeSql(name, ctx);
  let condition: Condition;
  switch (expr.kind) {
    case "exists":
      return eb(value, expr.negated ? "is" : "is not", null);
    case "compare":
      condition = eb(value, expr.op, literalParam(expr.value));
      break;
    case "in":
      condition = eb(value, expr.negated ? "not in" : "in", expr.values.map(literalParam));
      break;
    case "match":
      condition = matchTest(expr.op, expr.pattern, ctx)(value);
      break;
  }
  return isNullableAttribute(name) ? eb.and([eb(value, "is not", null), condition]) : condition;
}

/**
 * `in` lists may mix types on config fields (`config.x in (1, "a")`): each type tests its own
 * column, so `not in` (like `!=`) holds for a value of a listed type that is not listed.
 */
function valueQuery(
  field: FieldRef,
  ctx: SearchContext,
  literals: Literal[],
  testFor: (values: Literal[]) => ValueTest,
): SideQuery | null {
  switch (field.kind) {
    case "attribute":
      return null;
    case "tag":
      return ({ correlated, limit }) =>
        qb
          .selectFrom("run_tags as t")
          .select("t.run_id")
          .where("t.key", "=", field.key)
          .where(testFor(literals)(sql.ref("t.value")))
          .$if(correlated, (q) => q.whereRef("t.run_id", "=", "runs.id"))
          .$if(limit !== undefined, (q) => q.limit(limit ?? 0));
    case "metric": {
      const aggregate = storedAggregate(field.key, field.aggregate, ctx);
      // The bare column where an index covers it, so a (key, value) range can be searched.
      const value = metricIndexedColumn("m", aggregate) ?? metricValueSql("m", aggregate);
      return ({ correlated, limit }) =>
        qb
          .selectFrom("metric_series as m")
          .select("m.run_id")
          .where("m.key", "=", field.key)
          .where(qb.and([metricHasValueSql("m", aggregate), testFor(literals)(value)]))
          .$if(correlated, (q) => q.whereRef("m.run_id", "=", "runs.id"))
          .$if(limit !== undefined, (q) => q.limit(limit ?? 0));
    }
    case "config": {
      const tests = configTests(literals);
      const typed = tests.map(({ valueType, column, values }) =>
        qb.and([qb(sql.ref("c.value_type"), "=", valueType), testFor(values)(sql.ref(column))]),
      );
      const untyped = tests.map(({ column, values }) => testFor(values)(sql.ref(column)));
      return ({ correlated, limit, superset }) =>
        qb
          .selectFrom("run_config as c")
          .select("c.run_id")
          .where("c.path", "=", field.path)
          .where(qb.or(superset ? untyped : typed))
          .$if(correlated, (q) => q.whereRef("c.run_id", "=", "runs.id"))
          .$if(limit !== undefined, (q) => q.limit(limit ?? 0));
    }
  }
}

interface ConfigTest {
  valueType: "number" | "string" | "boolean";
  column: "c.num_value" | "c.str_value";
  values: Literal[];
}

function configTests(literals: Literal[]): ConfigTest[] {
  const tests: ConfigTest[] = [];
  const add = (valueType: ConfigTest["valueType"], column: ConfigTest["column"], kind: Literal["kind"]) => {
    const values = literals.filter((l) => l.kind === kind);
    if (values.length > 0) tests.push({ valueType, column, values });
  };
  add("number", "c.num_value", "number");
  add("string", "c.str_value", "string");
  add("boolean", "c.num_value", "boolean");
  return tests;
}

function existsQuery(field: FieldRef, ctx: SearchContext): SideQuery | null {
  switch (field.kind) {
    case "attribute":
      return null;
    case "tag":
      return hasQuery("tags", field.key);
    case "config":
      return ({ correlated, limit }) =>
        qb
          .selectFrom("run_config as c")
          .select("c.run_id")
          .where("c.path", "=", field.path)
          .where("c.value_type", "!=", "null")
          .$if(correlated, (q) => q.whereRef("c.run_id", "=", "runs.id"))
          .$if(limit !== undefined, (q) => q.limit(limit ?? 0));
    case "metric": {
      const aggregate = storedAggregate(field.key, field.aggregate, ctx);
      return ({ correlated, limit }) =>
        qb
          .selectFrom("metric_series as m")
          .select("m.run_id")
          .where("m.key", "=", field.key)
          .$if(field.explicitAggregate, (q) => q.where(metricHasValueSql("m", aggregate)))
          .$if(correlated, (q) => q.whereRef("m.run_id", "=", "runs.id"))
          .$if(limit !== undefined, (q) => q.limit(limit ?? 0));
    }
  }
}

function hasQuery(scope: "tags" | "config" | "metrics", key: string): SideQuery {
  switch (scope) {
    case "tags":
      return ({ correlated, limit }) =>
        qb
          .selectFrom("run_tags as t")
          .select("t.run_id")
          .where("t.key", "=", key)
          .$if(correlated, (q) => q.whereRef("t.run_id", "=", "runs.id"))
          .$if(limit !== undefined, (q) => q.limit(limit ?? 0));
    case "metrics":
      return ({ correlated, limit }) =>
        qb
          .selectFrom("metric_series as m")
          .select("m.run_id")
          .where("m.key", "=", key)
          .$if(correlated, (q) => q.whereRef("m.run_id", "=", "runs.id"))
          .$if(limit !== undefined, (q) => q.limit(limit ?? 0));
    case "config": {
      // `config has "optimizer"` also holds when only `optimizer.lr` is stored (a nested object).
      const prefix = `${key}.`;
      return ({ correlated, limit }) =>
        qb
          .selectFrom("run_config as c")
          .select("c.run_id")
          .where((eb) =>
            eb.or([eb("c.path", "=", key), eb(sql`substr(${eb.ref("c.path")}, 1, ${prefix.length})`, "=", prefix)]),
          )
          .$if(correlated, (q) => q.whereRef("c.run_id", "=", "runs.id"))
          .$if(limit !== undefined, (q) => q.limit(limit ?? 0));
    }
  }
}
