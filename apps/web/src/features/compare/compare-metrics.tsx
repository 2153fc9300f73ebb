import type { MetricGoal, Run } from "@looplab/core";
import { useMemo } from "react";
import { formatValue } from "../charts/number-format.js";
import { CompareRunLabel } from "./compare-run-label.js";
import { type MetricCell, metricRows } from "./metric-deltas.js";

function Delta({ cell }: { cell: MetricCell }) {
  if (cell.delta === null) return null;
  const sign = cell.delta > 0 ? "+" : "";
  const rel = cell.relative === null ? "" : ` (${sign}${(cell.relative * 100).toFixed(1)}%)`;
  const tone = cell.better === true ? "better" : cell.better === false ? "worse" : "neutral";
  return (
    <span className={`delta ${tone}`}>
      {sign}
      {formatValue(cell.delta)}
      {rel}
    </span>
  );
}

/** Each metric's summary per run with its delta against the reference (green better, red worse, by goal). */
export function CompareMetrics({
  runs,
  refIndex,
  goals,
}: {
  runs: readonly Run[];
  refIndex: number;
  goals: ReadonlyMap<string, MetricGoal>;
}) {
  const rows = useMemo(() => metricRows(runs, refIndex, goals), [runs, refIndex, goals]);
  return (
    <div className="compare-section">
      <div className="compare-section-head">
        <h2>Metrics</h2>
        <span className="muted">best where the project defines a goal (↓ min, ↑ max), last otherwise</span>
      </div>
      {rows.length === 0 ? (
        <p className="muted">These runs have logged no metrics.</p>
      ) : (
        <div className="compare-scroll">
          <table className="plain compare-table" aria-label="metric summaries">
            <thead>
              <tr>
                <th>Metric</th>
                {runs.map((r, i) => (
                  <th key={r.id}>
                    <CompareRunLabel run={r} index={i} isRef={i === refIndex} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <th>
                    <code>{row.key}</code>{" "}
                    <span className="muted" title={row.goal ? `goal: ${row.goal}` : "no goal defined: last value"}>
                      {row.goal === "min" ? "↓ best" : row.goal === "max" ? "↑ best" : "last"}
                    </span>
                  </th>
                  {row.cells.map((cell, i) => (
                    <td key={runs[i]?.id ?? i} className="num">
                      {formatValue(cell.value)} <Delta cell={cell} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
