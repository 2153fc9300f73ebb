import type { SeriesWindow } from "@looplab/core";
import {
  countMarks,
  type PreparedSeries,
  prepareSeries,
  type SamplingSummary,
  samplingSummary,
} from "./bucket-series.js";
import { type AlignedChart, alignEntities, type ChartEntity, positiveOnly } from "./chart-data.js";
import { emaSmooth } from "./ema.js";
import { groupMeanStd } from "./group-bands.js";
import { colorAt } from "./palette.js";
import { toXDomain, type XAxisMode, type XYBand } from "./x-axis.js";

/** A run as the chart grid sees it. */
export interface ChartRun {
  id: string;
  name: string;
  group?: string | null;
  /** Epoch ms; the origin of the relative-time axis (the first point's time when absent). */
  startedAt?: number | null;
}

export interface PanelOptions {
  mode: "runs" | "groups";
  xAxis: XAxisMode;
  smoothing: number;
  logY: boolean;
  /** Most distinct x columns handed to uPlot (a few per pixel). */
  maxColumns: number;
}

/** Everything a panel draws, computed from the server's windows without touching the DOM. */
export interface PanelModel {
  entities: ChartEntity[];
  chart: AlignedChart;
  /** Per-run bands in x units (zoom maps through them back to steps). */
  bands: XYBand[];
  sampling: SamplingSummary;
  marks: { nan: number; inf: number };
  /** Stable description of the series layout: uPlot is rebuilt only when it changes. */
  shape: string;
}

export const NO_GROUP = "(no group)";

function runEntities(
  prepared: readonly PreparedSeries[],
  bands: readonly XYBand[],
  runs: readonly ChartRun[],
): ChartEntity[] {
  const index = new Map(runs.map((r, i) => [r.id, i]));
  return prepared.map((p, i) => {
    const at = index.get(p.runId) ?? i;
    return {
      id: p.runId,
      label: runs[at]?.name ?? p.runId,
      color: colorAt(at),
      band: bands[i] as XYBand,
      smoothed: null,
    };
  });
}

function groupEntities(
  prepared: readonly PreparedSeries[],
  bands: readonly XYBand[],
  runs: readonly ChartRun[],
  grid: number,
): ChartEntity[] {
  const groupOf = new Map(runs.map((r) => [r.id, r.group ?? NO_GROUP]));
  const order: string[] = [];
  for (const r of runs) {
    const g = r.group ?? NO_GROUP;
    if (!order.includes(g)) order.push(g);
  }
  const members = new Map<string, XYBand[]>();
  prepared.forEach((p, i) => {
    const g = groupOf.get(p.runId) ?? NO_GROUP;
    const list = members.get(g) ?? [];
    list.push(bands[i] as XYBand);
    members.set(g, list);
  });
  return order
    .filter((g) => members.has(g))
    .map((g) => {
      const list = members.get(g) as XYBand[];
      return {
        id: `group:${g}`,
        label: `${g} (${list.length})`,
        color: colorAt(order.indexOf(g)),
        band: groupMeanStd(list, grid),
        smoothed: null,
      };
    });
}

/** The entity as drawn: log scale drops non-positive values (the legend keeps the real ones). */
function forDrawing(e: ChartEntity, logY: boolean): ChartEntity {
  if (!logY) return e;
  const band = { ...e.band, line: positiveOnly(e.band.line), lo: positiveOnly(e.band.lo), hi: positiveOnly(e.band.hi) };
  return { ...e, band, smoothed: e.smoothed ? positiveOnly(e.smoothed) : null };
}

/**
 * Server windows → what the panel draws: lines and min–max bands per run (or mean ± std per
 * group), on the chosen x-axis, smoothed, and aligned on one x column for uPlot.
 */
export function buildPanelModel(
  windows: readonly SeriesWindow[],
  runs: readonly ChartRun[],
  options: PanelOptions,
): PanelModel {
  const starts = new Map(runs.map((r) => [r.id, r.startedAt ?? null]));
  const prepared = windows.map(prepareSeries);
  const bands = prepared.map((p) => toXDomain(p, options.xAxis, starts.get(p.runId)));
  const entities =
    options.mode === "groups"
      ? groupEntities(prepared, bands, runs, options.maxColumns)
      : runEntities(prepared, bands, runs);
  if (options.smoothing > 0) {
    for (const e of entities) e.smoothed = emaSmooth(e.band.line, options.smoothing);
  }
  const chart = alignEntities(
    entities.map((e) => forDrawing(e, options.logY)),
    options.maxColumns,
  );
  const shape = [
    options.mode,
    options.xAxis,
    options.logY ? "log" : "lin",
    options.smoothing > 0 ? "smooth" : "raw",
    ...entities.map((e) => `${e.id}|${e.label}|${e.color}`),
  ].join("\n");
  return { entities, chart, bands, sampling: samplingSummary(prepared), marks: countMarks(prepared), shape };
}
