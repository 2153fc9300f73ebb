import { quoteSegment } from "@looplab/core";
import type { Clause } from "./filter-parser.js";

/**
 * Pushes what of an MLflow filter Looplab's native filter language (docs/filter-language.md)
 * expresses exactly down to the store, so runs/search reads only candidates: metric comparisons
 * (MLflow's latest value is the native `last`: largest step, then time; NaN never matches in
 * either), tag equality, run ids, names and statuses. The result is a superset of the MLflow
 * matches; every clause is still evaluated with MLflow's semantics afterwards (run-matcher.ts).
 * Not pushed down, because the native language cannot say them with MLflow's meaning: params
 * (MLflow compares their text; native config is typed), LIKE/ILIKE (no SQL LIKE natively),
 * IS NULL, start/end times (MLflow's start_time falls back to creation), datasets.
 */
const STATUS_IN: Record<string, string[]> = {
  RUNNING: ["running"],
  SCHEDULED: ["queued"],
  FINISHED: ["finished"],
  FAILED: ["failed", "crashed"],
  KILLED: ["killed", "pruned"],
};

const quote = (text: string) => `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;

function translate(clause: Clause): string | null {
  const { type, key, comparator, value } = clause;
  if (type === "metric" && typeof value === "number" && Number.isFinite(value)) {
    return `metrics.${quoteSegment(key)}.last ${comparator} ${value}`;
  }
  if (type === "tag" && (comparator === "=" || comparator === "!=") && typeof value === "string") {
    return `tags.${quoteSegment(key)} ${comparator} ${quote(value)}`;
  }
  if (type !== "attribute") return null;
  if (key === "run_id") {
    if (comparator === "=" && typeof value === "string") return `id = ${quote(value)}`;
    if (comparator === "IN" && Array.isArray(value)) return `id in (${value.map(quote).join(", ")})`;
    return null;
  }
  if (key === "run_name" && comparator === "=" && typeof value === "string") return `name = ${quote(value)}`;
  if (key === "status" && comparator === "=" && typeof value === "string") {
    const statuses = STATUS_IN[value];
    // an unknown status matches nothing in MLflow; an impossible id says the same natively
    return statuses ? `status in (${statuses.map(quote).join(", ")})` : `id = ""`;
  }
  return null;
}

/** The native filter text for the clauses that translate exactly ("" when none do). */
export function nativePrefilter(clauses: readonly Clause[]): string {
  return clauses
    .map(translate)
    .filter((t): t is string => t !== null)
    .join(" and ");
}
