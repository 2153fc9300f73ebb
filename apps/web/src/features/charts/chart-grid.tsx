/**
 * ChartGrid — a grid of metric panels for a set of runs. Used by the run page, the compare page
 * and the project page; its props are a stable interface:
 *
 *   <ChartGrid project="name" runs={[{ id, name, group?, status?, startedAt? }]} keys?={["loss", …]} mode?="runs" | "groups" />
 *
 * - `project`: the runs' project. Panels follow its live event stream (the one connection the
 *   page shares, see live-metrics.ts): new points of a shown run refetch that run's panels.
 * - `runs`: the runs to draw (one line each; `mode="groups"` draws mean ± std per `group`).
 *   `status: "running"` shows the live-update state above the panels; `startedAt` (epoch ms) is
 *   the origin of the relative-time axis. Both are optional.
 * - `keys`: metric keys to draw panels for; when absent, the union of the runs' series.
 * - `mode`: "runs" (default) or "groups".
 *
 * Chart settings live in the URL: `smooth` (EMA weight), `xaxis` (step | relative | wall),
 * `logy` (1), `panels` (filter terms) — see chart-settings.ts.
 */
import { useCallback, useMemo } from "react";
import type { ProjectEventsStatus } from "../../api/project-events.js";
import { useSearchParam } from "../../app/url-state.js";
import { ChartPanel } from "./chart-panel.js";
import {
  type ChartSettings,
  chartParams,
  matchesPanelFilter,
  parseLogY,
  parseSmoothing,
  parseXAxis,
} from "./chart-settings.js";
import { ChartToolbar } from "./chart-toolbar.js";
import { useLiveCharts } from "./live-metrics.js";
import type { ChartRun } from "./panel-model.js";
import { useMetricKeys } from "./use-metric-keys.js";
import { useThemeColors } from "./use-theme-colors.js";
import "./charts.css";

export interface ChartGridRun extends ChartRun {
  status?: string | null;
}

export interface ChartGridProps {
  project: string;
  runs: ChartGridRun[];
  keys?: string[];
  mode?: "runs" | "groups";
}

function useChartSettings(): [ChartSettings, (patch: Partial<ChartSettings>) => void] {
  const [smooth, setSmooth] = useSearchParam(chartParams.smoothing);
  const [xaxis, setXaxis] = useSearchParam(chartParams.xAxis);
  const [logy, setLogy] = useSearchParam(chartParams.logY);
  const [panels, setPanels] = useSearchParam(chartParams.panels);
  const settings = useMemo<ChartSettings>(
    () => ({
      smoothing: parseSmoothing(smooth),
      xAxis: parseXAxis(xaxis),
      logY: parseLogY(logy),
      panels: panels ?? "",
    }),
    [smooth, xaxis, logy, panels],
  );
  const update = useCallback(
    (patch: Partial<ChartSettings>) => {
      if (patch.smoothing !== undefined) setSmooth(patch.smoothing > 0 ? String(patch.smoothing) : null);
      if (patch.xAxis !== undefined) setXaxis(patch.xAxis === "step" ? null : patch.xAxis);
      if (patch.logY !== undefined) setLogy(patch.logY ? "1" : null);
      if (patch.panels !== undefined) setPanels(patch.panels);
    },
    [setSmooth, setXaxis, setLogy, setPanels],
  );
  return [settings, update];
}

export function ChartGrid({ runs, keys, mode = "runs", project }: ChartGridProps) {
  const [settings, update] = useChartSettings();
  const theme = useThemeColors();
  const runIds = useMemo(() => runs.map((r) => r.id), [runs]);
  const found = useMetricKeys(runIds, keys);
  const live = useLiveCharts(runs, project);
  const running = runs.some((r) => r.status === "running");
  // Panels compare runs by identity: keep the array stable while the runs' content is.
  const runsKey = runs.map((r) => `${r.id}|${r.name}|${r.group ?? ""}|${r.startedAt ?? ""}`).join("\n");
  // runsKey captures what the panels use of runs.
  const stableRuns = useMemo(() => runs, [runsKey]);
  const shown = found.keys.filter((k) => matchesPanelFilter(k, settings.panels));

  if (runs.length === 0) return <p className="muted">No runs selected for charts.</p>;
  return (
    <div className="chart-grid-wrap">
      <ChartToolbar settings={settings} onChange={update} shown={shown.length} total={found.keys.length} />
      {running ? <LiveState status={live} /> : null}
      {found.error ? <p className="error">Could not list metrics: {found.error.message}</p> : null}
      {found.pending && found.keys.length === 0 ? <p className="muted">Loading metrics…</p> : null}
      {!found.pending && found.keys.length === 0 ? (
        <p className="muted">These runs have logged no metrics yet.</p>
      ) : null}
      <div className="chart-grid">
        {shown.map((key) => (
          <ChartPanel
            key={`${key}\n${settings.xAxis}`}
            metricKey={key}
            runs={stableRuns}
            mode={mode}
            settings={settings}
            theme={theme}
          />
        ))}
      </div>
    </div>
  );
}

/** Whether running runs' panels are following the event stream right now. */
function LiveState({ status }: { status: ProjectEventsStatus }) {
  const text =
    status.state === "open"
      ? "Live updates on"
      : status.state === "connecting"
        ? "Connecting to live updates…"
        : status.state === "retrying"
          ? "Live updates interrupted, reconnecting…"
          : `Live updates unavailable: ${status.error?.message ?? "the event stream failed"}`;
  return (
    <p className={status.state === "failed" ? "error chart-live" : "muted chart-live"} role="status">
      {text}
    </p>
  );
}
