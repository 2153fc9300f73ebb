import { flattenConfig, type MetricGoal, type MetricSummary } from "@looplab/core";
import { useMemo, useState } from "react";
import { useSearchParam } from "../../app/url-state.js";
import { configDiff } from "../compare/config-diff.js";
import { summaryValue } from "../compare/metric-deltas.js";
import { ParallelCoords } from "./parallel-coords.js";
import type { PcRow } from "./parallel-coords-model.js";

export interface PcRun {
  id: string;
  name: string;
  config: Record<string, unknown>;
  metrics: Record<string, MetricSummary>;
}

const METRIC_AXIS = "\u0000metric";

/**
 * Parallel coordinates with its chooser: config keys (`?pc=a,b`, default the keys that differ
 * between the runs, at most 6) and one metric (`?pcm=key`; best per goal, else last) as the
 * last axis, which also colours the lines.
 */
export function ParallelCoordsPanel({
  runs,
  goals,
}: {
  runs: readonly PcRun[];
  goals: ReadonlyMap<string, MetricGoal>;
}) {
  const [pcParam, setPc] = useSearchParam("pc");
  const [metricParam, setMetric] = useSearchParam("pcm");
  const [shown, setShown] = useState<number | null>(null);
  const allKeys = useMemo(() => {
    const set = new Set<string>();
    for (const r of runs) for (const leaf of flattenConfig(r.config)) if (leaf.type !== "json") set.add(leaf.path);
    return [...set].sort();
  }, [runs]);
  const metricKeys = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort(), [runs]);
  const defaultKeys = useMemo(
    () =>
      configDiff(runs.map((r) => r.config))
        .map((d) => d.path)
        .filter((p) => allKeys.includes(p))
        .slice(0, 6),
    [runs, allKeys],
  );
  const chosen = pcParam === null ? defaultKeys : pcParam.split(",").filter((k) => allKeys.includes(k));
  const metric =
    metricParam !== null && metricKeys.includes(metricParam)
      ? metricParam
      : (metricKeys.find((k) => goals.has(k)) ?? metricKeys[0]);
  const goal = metric ? (goals.get(metric) ?? null) : null;

  const rows = useMemo<PcRow[]>(
    () =>
      runs.map((r) => {
        const values: Record<string, unknown> = Object.fromEntries(
          flattenConfig(r.config).map((l) => [l.path, l.value]),
        );
        if (metric) values[METRIC_AXIS] = summaryValue(r.metrics[metric], goal) ?? undefined;
        return { id: r.id, name: r.name || r.id, values };
      }),
    [runs, metric, goal],
  );
  const keys = useMemo(() => (metric ? [...chosen, METRIC_AXIS] : chosen), [chosen, metric]);
  const toggle = (key: string) => {
    const next = chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
    setPc(next.join(",") || ",");
  };

  return (
    <div className="compare-section">
      <div className="compare-section-head">
        <h2>Parallel coordinates</h2>
        <label>
          Metric{" "}
          <select
            aria-label="parallel coordinates metric"
            value={metric ?? ""}
            onChange={(e) => setMetric(e.target.value)}
          >
            {metricKeys.map((k) => (
              <option key={k} value={k}>
                {k}
                {goals.get(k) ? ` (${goals.get(k)})` : ""}
              </option>
            ))}
          </select>
        </label>
        {shown !== null ? (
          <span className="muted">
            {shown} of {runs.length} runs in the brushed ranges
          </span>
        ) : null}
      </div>
      <details className="pc-keys">
        <summary>
          Axes: {chosen.length === 0 ? "none" : chosen.join(", ")} <span className="muted">(choose…)</span>
        </summary>
        <div className="pc-key-list">
          {allKeys.map((k) => (
            <label key={k}>
              <input type="checkbox" checked={chosen.includes(k)} onChange={() => toggle(k)} /> <code>{k}</code>
            </label>
          ))}
        </div>
      </details>
      <ParallelCoords
        rows={rows}
        keys={keys}
        colorKey={METRIC_AXIS}
        labels={{
          [METRIC_AXIS]: metric ? `${metric}${goal ? ` (${goal === "min" ? "↓" : "↑"} best)` : " (last)"}` : "",
        }}
        onFilter={(ids) => setShown(ids.length === runs.length ? null : ids.length)}
      />
    </div>
  );
}
