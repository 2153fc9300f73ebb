import { decodeFloat, type MetricGoal, type MetricSummary } from "@looplab/core";

export interface MetricCell {
  value: number | null;
  /** value − reference value; null for the reference itself or when either is missing. */
  delta: number | null;
  /** delta relative to |reference| (null when the reference is 0 or missing). */
  relative: number | null;
  /** true: better than the reference per the metric's goal; false: worse; null: no goal, equal or missing. */
  better: boolean | null;
}

export interface MetricRow {
  key: string;
  goal: MetricGoal | null;
  /** What the values are: the best (per goal) or the last value. */
  basis: "best" | "last";
  cells: MetricCell[];
}

export function summaryValue(summary: MetricSummary | undefined, goal: MetricGoal | null): number | null {
  if (!summary) return null;
  const wire = goal ? (summary.best ?? (goal === "min" ? summary.min : summary.max)) : summary.last;
  return wire === null || wire === undefined ? null : decodeFloat(wire);
}

/**
 * One row per metric key of any run: each run's summary value (best where the project defines a
 * goal, last otherwise) and its delta against the reference run, judged by the goal's direction.
 */
export function metricRows(
  runs: readonly { metrics: Record<string, MetricSummary> }[],
  referenceIndex: number,
  goals: ReadonlyMap<string, MetricGoal>,
): MetricRow[] {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) keys.add(k);
  return [...keys]
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .map((key) => {
      const goal = goals.get(key) ?? null;
      const values = runs.map((r) => summaryValue(r.metrics[key], goal));
      const ref = values[referenceIndex] ?? null;
      const cells = values.map((value, i): MetricCell => {
        if (
          i === referenceIndex ||
          value === null ||
          ref === null ||
          !Number.isFinite(value) ||
          !Number.isFinite(ref)
        ) {
          return { value, delta: null, relative: null, better: null };
        }
        const delta = value - ref;
        const relative = ref === 0 ? null : delta / Math.abs(ref);
        const better = goal === null || delta === 0 ? null : goal === "min" ? delta < 0 : delta > 0;
        return { value, delta, relative, better };
      });
      return { key, goal, basis: goal ? "best" : "last", cells };
    });
}
