import type { NonFiniteMark, PreparedSeries } from "./bucket-series.js";

/** What the x-axis measures: the step, seconds since the run started, or wall-clock time. */
export type XAxisMode = "step" | "relative" | "wall";
export const xAxisModes: readonly XAxisMode[] = ["step", "relative", "wall"];

/** A line with its band in the x-axis' units, sorted by x. */
export interface XYBand {
  x: number[];
  line: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  /** The step of each point (for legends and zoom), parallel to x. */
  steps: number[];
  marks: { x: number; kind: NonFiniteMark["kind"]; count: number }[];
}

/**
 * x for one point. Relative time is in seconds from `origin` (the run's start, epoch ms);
 * wall time is in epoch seconds (uPlot's time scale unit).
 */
export function toX(mode: XAxisMode, step: number, time: number, origin: number): number {
  if (mode === "step") return step;
  if (mode === "relative") return (time - origin) / 1000;
  return time / 1000;
}

/** Moves a prepared series onto the chosen x-axis; points are re-sorted when time does not follow step. */
export function toXDomain(series: PreparedSeries, mode: XAxisMode, origin?: number | null): XYBand {
  const start = origin ?? series.times[0] ?? 0;
  const x = series.steps.map((step, i) => toX(mode, step, series.times[i] ?? 0, start));
  const marks = series.marks.map((m) => ({ x: toX(mode, m.step, m.time, start), kind: m.kind, count: m.count }));
  let sorted = true;
  for (let i = 1; i < x.length; i++) {
    if ((x[i] as number) < (x[i - 1] as number)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return { x, line: series.line, lo: series.lo, hi: series.hi, steps: series.steps, marks };
  const order = x.map((_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number));
  const pick = <T>(arr: T[]): T[] => order.map((i) => arr[i] as T);
  return {
    x: pick(x),
    line: pick(series.line),
    lo: pick(series.lo),
    hi: pick(series.hi),
    steps: pick(series.steps),
    marks,
  };
}

/** Index of the last x ≤ value (−1 when value is before every x). x must be sorted. */
export function floorIndex(x: readonly number[], value: number): number {
  let lo = 0;
  let hi = x.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((x[mid] as number) <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The point of a band nearest to x (for the legend under the cursor); null when the band is empty. */
export function pointNear(band: XYBand, x: number): { index: number; x: number; step: number } | null {
  if (band.x.length === 0) return null;
  const i = floorIndex(band.x, x);
  let best = Math.max(i, 0);
  const next = i + 1;
  if (i < 0) best = 0;
  else if (next < band.x.length && Math.abs((band.x[next] as number) - x) < Math.abs((band.x[i] as number) - x)) {
    best = next;
  }
  return { index: best, x: band.x[best] as number, step: band.steps[best] as number };
}

/**
 * The step window to fetch for a zoom to [xMin, xMax] on the x-axis: direct for steps; for time
 * axes, the steps of the points inside the range, widened to their neighbours so nothing at the
 * edges is lost. null when no point falls in the range.
 */
export function stepWindowForX(
  bands: readonly XYBand[],
  mode: XAxisMode,
  xMin: number,
  xMax: number,
): { startStep: number; endStep: number } | null {
  if (!(xMax > xMin)) return null;
  if (mode === "step") return { startStep: Math.floor(xMin), endStep: Math.ceil(xMax) };
  let startStep = Number.POSITIVE_INFINITY;
  let endStep = Number.NEGATIVE_INFINITY;
  for (const band of bands) {
    const n = band.x.length;
    if (n === 0) continue;
    const from = Math.max(floorIndex(band.x, xMin), 0);
    const to = Math.min(floorIndex(band.x, xMax) + 1, n - 1);
    for (let i = from; i <= to; i++) {
      const step = band.steps[i] as number;
      if (step < startStep) startStep = step;
      if (step > endStep) endStep = step;
    }
  }
  if (!Number.isFinite(startStep) || !Number.isFinite(endStep)) return null;
  return { startStep, endStep };
}
