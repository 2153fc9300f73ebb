import { floorIndex, type XYBand } from "./x-axis.js";

/** Mean ± standard deviation of a group of runs at each x, with how many runs contributed. */
export interface GroupBand extends XYBand {
  n: number[];
}

/** A run's line at x by linear interpolation between its neighbours; null outside its range or across a gap. */
export function lineAt(band: XYBand, x: number): number | null {
  const i = floorIndex(band.x, x);
  if (i < 0) return null;
  const xi = band.x[i] as number;
  const yi = band.line[i] ?? null;
  if (xi === x) return yi;
  const j = i + 1;
  if (j >= band.x.length) return null;
  const xj = band.x[j] as number;
  const yj = band.line[j] ?? null;
  if (yi === null || yj === null) return null;
  return yi + ((yj - yi) * (x - xi)) / (xj - xi);
}

/** The x positions to aggregate at: every x of the runs when they fit, else an even grid of `maxPoints`. */
export function alignmentGrid(bands: readonly XYBand[], maxPoints: number): number[] {
  const all = new Set<number>();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const b of bands) {
    for (const x of b.x) {
      all.add(x);
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  if (all.size <= maxPoints) return [...all].sort((a, b) => a - b);
  const n = Math.max(2, maxPoints);
  return Array.from({ length: n }, (_, i) => min + ((max - min) * i) / (n - 1));
}

/**
 * Aligns the runs of one group on x and computes, at each grid x, the mean and the sample
 * standard deviation (n − 1; 0 for a single run) over the runs that have a value there.
 */
export function groupMeanStd(bands: readonly XYBand[], maxPoints: number): GroupBand {
  const grid = alignmentGrid(bands, maxPoints);
  const out: GroupBand = { x: [], line: [], lo: [], hi: [], steps: [], marks: [], n: [] };
  for (const x of grid) {
    // Welford's update: stable where the mean is large next to the spread.
    let n = 0;
    let mean = 0;
    let m2 = 0;
    let step = x;
    for (const b of bands) {
      const y = lineAt(b, x);
      if (y === null) continue;
      n++;
      const delta = y - mean;
      mean += delta / n;
      m2 += delta * (y - mean);
      const k = floorIndex(b.x, x);
      if (k >= 0) step = b.steps[k] as number;
    }
    if (n === 0) continue;
    const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
    out.x.push(x);
    out.steps.push(step);
    out.line.push(mean);
    out.lo.push(mean - std);
    out.hi.push(mean + std);
    out.n.push(n);
  }
  for (const b of bands) out.marks.push(...b.marks);
  return out;
}
