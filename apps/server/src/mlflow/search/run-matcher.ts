import type { Clause, OrderTerm } from "./filter-parser.js";

/**
 * Evaluates parsed MLflow clauses with MLflow's semantics: params and tags compare as strings,
 * `LIKE` is case-sensitive and `ILIKE` is not, a missing metric/param/tag never matches a
 * comparison, NaN never matches; order_by puts missing values and NaN last in both directions.
 */
export interface Searchable {
  attributes: Record<string, string | number | null>;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  datasets: { name: string; digest: string; context: string }[];
}

function likeRegExp(pattern: string, insensitive: boolean): RegExp {
  let source = "";
  for (const ch of pattern) {
    if (ch === "%") source += "[\\s\\S]*";
    else if (ch === "_") source += "[\\s\\S]";
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, insensitive ? "i" : "");
}

function compare(actual: string | number, comparator: Clause["comparator"], expected: Clause["value"]): boolean {
  switch (comparator) {
    case "=":
      return actual === expected;
    case "!=":
      return actual !== expected;
    case "<":
      return (actual as number) < (expected as number);
    case "<=":
      return (actual as number) <= (expected as number);
    case ">":
      return (actual as number) > (expected as number);
    case ">=":
      return (actual as number) >= (expected as number);
    case "LIKE":
      return likeRegExp(String(expected), false).test(String(actual));
    case "ILIKE":
      return likeRegExp(String(expected), true).test(String(actual));
    case "IN":
      return (expected as string[]).includes(String(actual));
    case "NOT IN":
      return !(expected as string[]).includes(String(actual));
    default:
      return false;
  }
}

function matchesClause(run: Searchable, clause: Clause): boolean {
  const { type, key, comparator, value } = clause;
  if (type === "dataset") {
    return run.datasets.some((d) => compare(d[key as "name" | "digest" | "context"], comparator, value));
  }
  let actual: string | number | null | undefined;
  if (type === "metric") actual = run.metrics[key];
  else if (type === "param") actual = run.params[key];
  else if (type === "tag") actual = run.tags[key];
  else actual = run.attributes[key];
  if (comparator === "IS NULL") return actual === undefined || actual === null;
  if (comparator === "IS NOT NULL") return actual !== undefined && actual !== null;
  if (actual === undefined || actual === null) return false;
  if (typeof actual === "number" && Number.isNaN(actual)) return false;
  return compare(actual, comparator, value);
}

export function matchesAll(run: Searchable, clauses: readonly Clause[]): boolean {
  return clauses.every((c) => matchesClause(run, c));
}

function sortValue(run: Searchable, term: OrderTerm): string | number | undefined {
  let v: string | number | null | undefined;
  if (term.type === "metric") v = run.metrics[term.key];
  else if (term.type === "param") v = run.params[term.key];
  else if (term.type === "tag") v = run.tags[term.key];
  else v = run.attributes[term.key];
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return undefined;
  return v;
}

/** A comparator for Array.sort: the terms, then `tieBreak` (MLflow: start_time DESC, run_id). */
export function orderComparator(
  terms: readonly OrderTerm[],
  tieBreak: (a: Searchable, b: Searchable) => number,
): (a: Searchable, b: Searchable) => number {
  return (a, b) => {
    for (const term of terms) {
      const x = sortValue(a, term);
      const y = sortValue(b, term);
      if (x === undefined && y === undefined) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      if (x === y) continue;
      const less = x < y;
      return (less ? -1 : 1) * (term.ascending ? 1 : -1);
    }
    return tieBreak(a, b);
  };
}
