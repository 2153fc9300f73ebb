import type uPlot from "uplot";
import type { AlignedChart, ChartEntity } from "./chart-data.js";
import { formatSeconds, formatValue } from "./number-format.js";
import { withAlpha } from "./palette.js";
import type { ThemeColors } from "./use-theme-colors.js";
import type { XAxisMode, XYBand } from "./x-axis.js";

export interface ChartCallbacks {
  /** A drag-selection on the plot, in x units. */
  onZoom(xMin: number, xMax: number): void;
  onResetZoom(): void;
  /** The x under the cursor, or null when it leaves the plot. */
  onCursor(x: number | null): void;
  /** Marks to draw (read at draw time, so live data needs no rebuild). */
  marks(): XYBand["marks"];
}

export interface ChartLook {
  xAxis: XAxisMode;
  logY: boolean;
  smoothing: boolean;
  xRange: [number, number] | null;
  theme: ThemeColors;
}

function drawMarks(u: uPlot, marks: XYBand["marks"], theme: ThemeColors): void {
  if (marks.length === 0) return;
  const { ctx, bbox } = u;
  const size = 5 * devicePixelRatio;
  ctx.save();
  for (const m of marks) {
    const x = u.valToPos(m.x, "x", true);
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    const atBottom = m.kind === "-inf";
    const y = atBottom ? bbox.top + bbox.height - 1 : bbox.top + 1;
    ctx.fillStyle = m.kind === "nan" ? theme.danger : theme.warn;
    ctx.beginPath();
    // A triangle pointing into the plot: ▼ at the top for NaN and +∞, ▲ at the bottom for −∞.
    ctx.moveTo(x - size, y);
    ctx.lineTo(x + size, y);
    ctx.lineTo(x, atBottom ? y - size * 1.6 : y + size * 1.6);
    ctx.closePath();
    ctx.fill();
  }
  ctx.restore();
}

/** y tick labels; on a log scale only powers of ten are labelled (the minor ticks stay as grid lines). */
export function yTick(value: number, log: boolean): string {
  if (!log) return formatValue(value);
  const exponent = Math.log10(value);
  return Math.abs(exponent - Math.round(exponent)) < 1e-9 ? formatValue(value) : "";
}

/** uPlot options for a panel: per entity an invisible hi/lo pair filled as a band, the raw line, the smoothed line. */
export function buildUplotOptions(
  entities: readonly ChartEntity[],
  layout: AlignedChart["layout"],
  look: ChartLook,
  callbacks: ChartCallbacks,
  height: number,
): uPlot.Options {
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  entities.forEach((e, i) => {
    const l = layout[i];
    if (!l) return;
    // The band's edges get a faint stroke of their own: a one-bucket spike is a thin line, not an invisible sliver.
    const edge: uPlot.Series = {
      label: `${e.label} band`,
      stroke: withAlpha(e.color, 0.35),
      width: 1,
      spanGaps: false,
      points: { show: false },
    };
    series.push({ ...edge }, { ...edge });
    series.push({
      label: e.label,
      stroke: look.smoothing ? withAlpha(e.color, 0.3) : e.color,
      width: look.smoothing ? 1 : 1.5,
      spanGaps: false,
      points: { size: 4 },
    });
    if (l.smooth !== null)
      series.push({
        label: `${e.label} (smoothed)`,
        stroke: e.color,
        width: 1.75,
        spanGaps: false,
        points: { show: false },
      });
    bands.push({ series: [l.hi, l.lo], fill: withAlpha(e.color, 0.16) });
  });
  const axis = {
    stroke: look.theme.axis,
    grid: { stroke: look.theme.grid, width: 1 },
    ticks: { stroke: look.theme.grid, width: 1 },
  };
  const xValues =
    look.xAxis === "relative" ? (_u: uPlot, splits: number[]) => splits.map((s) => formatSeconds(s)) : undefined;
  const range = look.xRange;
  return {
    width: 300,
    height,
    legend: { show: false },
    cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
    scales: {
      x: { time: look.xAxis === "wall", ...(range ? { range: (): uPlot.Range.MinMax => [range[0], range[1]] } : {}) },
      y: { distr: look.logY ? 3 : 1 },
    },
    axes: [
      { ...axis, ...(xValues ? { values: xValues } : {}) },
      { ...axis, size: 56, values: (_u: uPlot, splits: number[]) => splits.map((s) => yTick(s, look.logY)) },
    ],
    series,
    bands,
    hooks: {
      setSelect: [
        (u) => {
          const { left, width } = u.select;
          if (width < 3) return;
          const a = u.posToVal(left, "x");
          const b = u.posToVal(left + width, "x");
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          callbacks.onZoom(a, b);
        },
      ],
      setCursor: [
        (u) => {
          const left = u.cursor.left;
          callbacks.onCursor(left === undefined || left < 0 ? null : u.posToVal(left, "x"));
        },
      ],
      ready: [(u) => u.over.addEventListener("dblclick", () => callbacks.onResetZoom())],
      draw: [(u) => drawMarks(u, callbacks.marks(), look.theme)],
    },
  };
}
