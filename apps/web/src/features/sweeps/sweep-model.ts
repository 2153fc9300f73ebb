/** Pure shaping of a sweep's trials for the sweep page: the best-so-far curve and the plot rows. */
import type { PcRow } from "../parallel-coords/parallel-coords-model.js";

export interface TrialLike {
  number: number;
  runId: string;
  params: Record<string, unknown>;
  status: string;
  value: number | string | null;
}

export const numericValue = (value: TrialLike["value"]): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

/**
 * The best objective value after each trial (by trial number), for trials with a value: x is the
 * trial number, `value` the trial's own value and `best` the best of it and every earlier one.
 */
export function bestSoFar(
  trials: readonly TrialLike[],
  goal: "min" | "max",
): { x: number[]; value: number[]; best: number[] } {
  const sorted = [...trials].sort((a, b) => a.number - b.number);
  const out = { x: [] as number[], value: [] as number[], best: [] as number[] };
  let best: number | null = null;
  for (const t of sorted) {
    const v = numericValue(t.value);
    if (v === null) continue;
    best = best === null ? v : goal === "max" ? Math.max(best, v) : Math.min(best, v);
    out.x.push(t.number);
    out.value.push(v);
    out.best.push(best);
  }
  return out;
}

/** One parallel-coordinates row per trial: its sampled values and the objective. */
export function trialRows(trials: readonly TrialLike[], metric: string): PcRow[] {
  return trials.map((t) => ({
    id: t.runId,
    name: `#${t.number}`,
    values: { ...t.params, [metric]: numericValue(t.value) },
  }));
}

export function formatParam(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return JSON.stringify(value);
}
