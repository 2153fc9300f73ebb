import { useCallback, useMemo, useRef, useState } from "react";
import { samplingLabel } from "./bucket-series.js";
import { ChartLegend } from "./chart-legend.js";
import { bucketsForWidth, type ChartSettings } from "./chart-settings.js";
import { buildPanelModel, type ChartRun } from "./panel-model.js";
import { UplotChart } from "./uplot-chart.js";
import { buildUplotOptions, type ChartCallbacks } from "./uplot-options.js";
import { useElementWidth } from "./use-element-width.js";
import { useInView } from "./use-in-view.js";
import { type StepWindow, usePanelSeries } from "./use-panel-series.js";
import type { ThemeColors } from "./use-theme-colors.js";
import { stepWindowForX, type XYBand } from "./x-axis.js";

export const PLOT_HEIGHT = 200;

interface Zoom {
  xRange: [number, number];
  window: StepWindow;
}

export interface ChartPanelProps {
  metricKey: string;
  runs: readonly ChartRun[];
  mode: "runs" | "groups";
  settings: ChartSettings;
  theme: ThemeColors;
}

/**
 * One metric: fetched only while on screen, at one bucket per pixel of its width, refetched for
 * the zoomed step window after a drag-select (double-click or "reset" zooms out).
 */
export function ChartPanel({ metricKey, runs, mode, settings, theme }: ChartPanelProps) {
  const box = useRef<HTMLDivElement>(null);
  const visible = useInView(box);
  const width = useElementWidth(box);
  const [zoom, setZoom] = useState<Zoom | null>(null);
  const [cursorX, setCursorX] = useState<number | null>(null);
  const runIds = useMemo(() => runs.map((r) => r.id), [runs]);
  const buckets = bucketsForWidth(width);
  const query = usePanelSeries(metricKey, runIds, buckets, zoom?.window ?? null, visible && width > 0);

  const model = useMemo(
    () =>
      query.data
        ? buildPanelModel(query.data, runs, {
            mode,
            xAxis: settings.xAxis,
            smoothing: settings.smoothing,
            logY: settings.logY,
            maxColumns: buckets * 4,
          })
        : null,
    [query.data, runs, mode, settings.xAxis, settings.smoothing, settings.logY, buckets],
  );

  // uPlot reads these at event/draw time, so its options need not change with the data.
  const live = useRef<{ bands: XYBand[]; marks: XYBand["marks"] }>({ bands: [], marks: [] });
  live.current = { bands: model?.bands ?? [], marks: model?.entities.flatMap((e) => e.band.marks) ?? [] };
  const frame = useRef(0);
  const callbacks = useMemo<ChartCallbacks>(
    () => ({
      onZoom: (xMin, xMax) => {
        const window = stepWindowForX(live.current.bands, settings.xAxis, xMin, xMax);
        if (window) setZoom({ xRange: [xMin, xMax], window });
      },
      onResetZoom: () => setZoom(null),
      onCursor: (x) => {
        cancelAnimationFrame(frame.current);
        frame.current = requestAnimationFrame(() => setCursorX(x));
      },
      marks: () => live.current.marks,
    }),
    [settings.xAxis],
  );

  const shape = model?.shape ?? "";
  const xRange = zoom?.xRange ?? null;
  // Rebuilt on layout changes only (shape), not on every data update.
  const options = useMemo(
    () =>
      model
        ? buildUplotOptions(
            model.entities,
            model.chart.layout,
            { xAxis: settings.xAxis, logY: settings.logY, smoothing: settings.smoothing > 0, xRange, theme },
            callbacks,
            PLOT_HEIGHT,
          )
        : null,
    [shape, xRange, theme, callbacks],
  );

  const reset = useCallback(() => setZoom(null), []);
  const empty = query.data !== undefined && query.data.length === 0;

  return (
    <section className="chart-panel" aria-label={`chart ${metricKey}`}>
      <header>
        <h3 title={metricKey}>{metricKey}</h3>
        {model && !empty ? (
          <span
            className={model.sampling.sampled ? "chart-badge sampled" : "chart-badge exact"}
            title="Server-side buckets keep each bucket's min and max: the band shows them. Zoom in for exact points."
          >
            {samplingLabel(model.sampling)}
          </span>
        ) : null}
        {model && model.marks.nan + model.marks.inf > 0 ? (
          <span className="chart-badge nonfinite" title="Shown as gaps in the line, marked ▼ (NaN, +∞) or ▲ (−∞)">
            {[model.marks.nan ? `${model.marks.nan} NaN` : "", model.marks.inf ? `${model.marks.inf} ±∞` : ""]
              .filter(Boolean)
              .join(" · ")}
          </span>
        ) : null}
        <span className="spacer" />
        {query.isFetching ? <span className="muted">loading…</span> : null}
        {zoom ? (
          <button type="button" className="ghost" onClick={reset}>
            Reset zoom
          </button>
        ) : null}
      </header>
      <div ref={box} className="chart-plot" style={{ height: PLOT_HEIGHT }}>
        {query.isError ? (
          <p className="error">
            Could not load {metricKey}: {query.error.message}
          </p>
        ) : null}
        {empty ? <p className="muted">No points{zoom ? " in this range" : ""}.</p> : null}
        {visible && model && options && !empty && width > 0 ? (
          <UplotChart options={options} data={model.chart.data} width={width} height={PLOT_HEIGHT} />
        ) : null}
      </div>
      {model && !empty ? <ChartLegend entities={model.entities} cursorX={cursorX} xAxis={settings.xAxis} /> : null}
    </section>
  );
}
