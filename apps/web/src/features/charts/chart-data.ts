import type { XYBand } from "./x-axis.js";

/** One drawn thing: a run (or a group's mean ± std), with its line smoothed when smoothing is on. */
export interface ChartEntity {
  id: string;
  label: string;
  color: string;
  band: XYBand;
  /** The EMA of band.line, or null when smoothing is off. */
  smoothed: (number | null)[] | null;
}

/** uPlot's aligned data: one shared x column, then per entity hi, lo, raw line and (if any) smoothed line. */
export interface AlignedChart {
  data: [number[], ...(number | null | undefined)[][]];
  /** Series index (1-based, as uPlot counts) of each entity's arrays. */
  layout: { hi: number; lo: number; line: number; smooth: number | null }[];
}

type Cell = number | null | undefined;

/** On a log scale only positive values can be drawn; others become gaps. */
export function positiveOnly(values: readonly (number | null)[]): (number | null)[] {
  return values.map((v) => (v !== null && v > 0 ? v : null));
}

function columnsOf(entities: readonly ChartEntity[], maxColumns: number): { xs: number[]; col: (x: number) => number } {
  const all = new Set<number>();
  for (const e of entities) for (const x of e.band.x) all.add(x);
  const sorted = [...all].sort((a, b) => a - b);
  if (sorted.length <= maxColumns) {
    const index = new Map(sorted.map((x, i) => [x, i]));
    return { xs: sorted, col: (x) => index.get(x) as number };
  }
  // Too many distinct x for the pixels available: merge into columns (min/max kept below).
  const min = sorted[0] as number;
  const span = (sorted[sorted.length - 1] as number) - min || 1;
  const n = Math.max(2, maxColumns);
  const rawCol = (x: number) => Math.min(n - 1, Math.floor(((x - min) / span) * (n - 1)));
  const firstX = new Map<number, number>();
  for (const x of sorted) {
    const c = rawCol(x);
    if (!firstX.has(c)) firstX.set(c, x);
  }
  const used = [...firstX.keys()].sort((a, b) => a - b);
  const compact = new Map(used.map((c, i) => [c, i]));
  return { xs: used.map((c) => firstX.get(c) as number), col: (x) => compact.get(rawCol(x)) as number };
}

/**
 * Puts every entity on one shared x column for uPlot. A missing x is `undefined` (uPlot joins
 * the line across it); a gap (NaN, ±Infinity) stays `null` (uPlot breaks the line). When the
 * distinct x values exceed `maxColumns`, points sharing a column are merged: the band keeps
 * the column's min and max (a spike survives), the line keeps the column's last value.
 */
export function alignEntities(entities: readonly ChartEntity[], maxColumns: number): AlignedChart {
  const { xs, col } = columnsOf(entities, maxColumns);
  const data: AlignedChart["data"] = [xs];
  const layout: AlignedChart["layout"] = [];
  for (const e of entities) {
    const hi: Cell[] = new Array(xs.length).fill(undefined);
    const lo: Cell[] = new Array(xs.length).fill(undefined);
    const line: Cell[] = new Array(xs.length).fill(undefined);
    const smooth: Cell[] | null = e.smoothed ? new Array(xs.length).fill(undefined) : null;
    const { band } = e;
    for (let i = 0; i < band.x.length; i++) {
      const c = col(band.x[i] as number);
      line[c] = band.line[i] ?? null;
      if (smooth && e.smoothed) smooth[c] = e.smoothed[i] ?? null;
      hi[c] = maxCell(hi[c], band.hi[i] ?? null);
      lo[c] = minCell(lo[c], band.lo[i] ?? null);
    }
    const base = data.length;
    data.push(hi, lo, line);
    if (smooth) data.push(smooth);
    layout.push({ hi: base, lo: base + 1, line: base + 2, smooth: smooth ? base + 3 : null });
  }
  return { data, layout };
}

function maxCell(a: Cell, b: number | null): Cell {
  if (a === undefined || a === null) return b;
  return b === null ? a : Math.max(a, b);
}

function minCell(a: Cell, b: number | null): Cell {
  if (a === undefined || a === null) return b;
  return b === null ? a : Math.min(a, b);
}
