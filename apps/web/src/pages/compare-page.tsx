import { useMemo } from "react";
import { Link, paths } from "../app/router.js";
import { useSearchParam } from "../app/url-state.js";
import { ChartGrid } from "../features/charts/chart-grid.js";
import { CompareCode } from "../features/compare/compare-code.js";
import { CompareConfig } from "../features/compare/compare-config.js";
import { CompareMetrics } from "../features/compare/compare-metrics.js";
import { CompareRunLabel } from "../features/compare/compare-run-label.js";
import { parseRunIds, referenceIndex } from "../features/compare/compare-selection.js";
import { useCompareRuns, useMetricGoals } from "../features/compare/use-compare-runs.js";
import { ParallelCoordsPanel } from "../features/parallel-coords/parallel-coords-panel.js";
import "../features/compare/compare.css";
import "../features/run/run.css";

/**
 * 2–50 runs side by side (`?runs=id1,id2,…`, reference `?ref=id`): config diff, metric summaries
 * with deltas against the reference, parallel coordinates, overlaid charts and the code difference.
 */
export function ComparePage({ project }: { project: string }) {
  const [runsParam] = useSearchParam("runs");
  const [refParam, setRef] = useSearchParam("ref");
  const { ids, dropped } = useMemo(() => parseRunIds(runsParam), [runsParam]);
  const loaded = useCompareRuns(ids);
  const goals = useMetricGoals(project);
  // Keep URL order even when some runs fail to load.
  const runs = useMemo(
    () => loaded.runs.slice().sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id)),
    [loaded.runs, ids],
  );
  const refIndex = referenceIndex(
    runs.map((r) => r.id),
    refParam,
  );
  const chartRuns = useMemo(
    () =>
      runs.map((r) => ({
        id: r.id,
        name: r.name || r.id.slice(0, 8),
        group: r.group,
        status: r.status,
        startedAt: r.startedAt,
      })),
    [runs],
  );

  if (ids.length < 2) {
    return (
      <section className="empty">
        <h1>Compare runs</h1>
        <p>
          Select 2 to 50 runs in the <Link href={paths.project(project)}>runs table</Link> and choose “Compare”, or open{" "}
          <code>?runs=id1,id2</code>.
        </p>
      </section>
    );
  }
  if (loaded.pending && runs.length === 0) return <p className="muted">Loading {ids.length} runs…</p>;
  return (
    <section>
      <h1>Compare {runs.length} runs</h1>
      {dropped > 0 ? (
        <p className="muted">{dropped} run ids in the link were ignored (malformed, repeated or beyond 50).</p>
      ) : null}
      {loaded.errors.map((e) => (
        <p key={e.id} className="error">
          Could not load run {e.id}: {e.message}
        </p>
      ))}
      <div className="compare-runs">
        {runs.map((r, i) => (
          <CompareRunLabel key={r.id} run={r} index={i} isRef={i === refIndex} />
        ))}
        <label>
          Reference{" "}
          <select aria-label="reference run" value={runs[refIndex]?.id ?? ""} onChange={(e) => setRef(e.target.value)}>
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name || r.id}
              </option>
            ))}
          </select>
        </label>
      </div>
      {runs.length >= 1 ? (
        <>
          <CompareConfig runs={runs} refIndex={refIndex} />
          <CompareMetrics runs={runs} refIndex={refIndex} goals={goals} />
          {runs.length >= 2 ? <ParallelCoordsPanel runs={runs} goals={goals} /> : null}
          <div className="compare-section">
            <div className="compare-section-head">
              <h2>Charts</h2>
            </div>
            <ChartGrid runs={chartRuns} project={project} />
          </div>
          {runs.length >= 2 ? <CompareCode runs={runs} refIndex={refIndex} /> : null}
        </>
      ) : null}
    </section>
  );
}
