import type { Run } from "@looplab/core";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { useApi } from "../api/api-context.js";
import { useSearchParam } from "../app/url-state.js";
import { ChartGrid, type ChartGridRun } from "../features/charts/chart-grid.js";
import { groupSpec, groupValueOf } from "../features/runs-table/group-model.js";
import { RunsTable } from "../features/runs-table/runs-table.js";
import { decodeSelection } from "../features/runs-table/selection-model.js";
import "../features/runs-table/project-layout.css";
import { ProjectSweeps } from "../features/sweeps/project-sweeps.js";

/** Most selected runs drawn in the chart region. */
export const MAX_CHART_RUNS = 50;
/** Most on-screen runs drawn when nothing is selected. */
export const MAX_VISIBLE_CHART_RUNS = 20;

type Pane = "table" | "split" | "charts";
const panes: { id: Pane; label: string }[] = [
  { id: "table", label: "Table" },
  { id: "split", label: "Table + charts" },
  { id: "charts", label: "Charts" },
];

/** A run for the charts; grouped by the table's grouping field when there is one. */
const toChartRun = (r: Run, groupBy: ReturnType<typeof groupSpec>): ChartGridRun => {
  const value = groupBy ? groupValueOf(r, groupBy) : r.group;
  return {
    id: r.id,
    name: r.name || r.id.slice(0, 8),
    group: value === null ? null : String(value),
    status: r.status,
    startedAt: r.startedAt,
  };
};

/** The selected runs' records (names, groups, status) for the charts, by id. */
function useSelectedRuns(project: string, ids: readonly string[]) {
  const api = useApi();
  const wanted = ids.slice(0, MAX_CHART_RUNS);
  return useQuery({
    queryKey: ["runs-table", project, "selected", wanted.join(",")],
    queryFn: ({ signal }) =>
      api.call("searchRuns", {
        body: { project, filter: `id in (${wanted.map((id) => `"${id}"`).join(", ")})`, limit: MAX_CHART_RUNS },
        signal,
      }),
    enabled: wanted.length > 0,
  });
}

export function ProjectPage({ project }: { project: string }) {
  const [paneParam, setPane] = useSearchParam("pane");
  const [selParam] = useSearchParam("sel");
  const [groupParam] = useSearchParam("group");
  const pane: Pane = panes.some((p) => p.id === paneParam) ? (paneParam as Pane) : "split";
  const selection = decodeSelection(selParam);
  const selectedIds = selection.mode === "ids" ? selection.ids : [];
  const selected = useSelectedRuns(project, selectedIds);
  const [visible, setVisible] = useState<Run[]>([]);
  const onVisibleRuns = useCallback((runs: Run[]) => setVisible(runs), []);

  const groupBy = useMemo(() => groupSpec(groupParam), [groupParam]);
  const chartRuns = useMemo(() => {
    const source = selectedIds.length > 0 ? (selected.data?.runs ?? []) : visible.slice(0, MAX_VISIBLE_CHART_RUNS);
    return source.map((r) => toChartRun(r, groupBy));
  }, [selectedIds.length, selected.data, visible, groupBy]);
  const chartSource =
    selectedIds.length > 0
      ? `${Math.min(selectedIds.length, MAX_CHART_RUNS)} selected runs`
      : `the ${chartRuns.length} runs on screen (select runs to choose)`;

  return (
    <div className={`project-page layout-${pane}`}>
      <header className="project-head">
        <h1>{project}</h1>
        <ProjectSweeps project={project} />
        <div className="pane-switch" role="tablist" aria-label="view">
          {panes.map((p) => (
            <button
              key={p.id}
              type="button"
              role="tab"
              aria-selected={pane === p.id}
              className={pane === p.id ? "is-active" : "ghost"}
              onClick={() => setPane(p.id === "split" ? null : p.id)}
            >
              {p.label}
            </button>
          ))}
        </div>
      </header>
      <div className="project-panes">
        {/* The table stays mounted in "Charts" so the on-screen runs (and its scroll) are kept. */}
        <div className="pane-table" hidden={pane === "charts"}>
          <RunsTable project={project} onVisibleRuns={onVisibleRuns} />
        </div>
        {pane !== "table" ? (
          <section className="pane-charts" aria-label="charts">
            <p className="muted chart-source">Charts of {chartSource}.</p>
            <ChartGrid project={project} runs={chartRuns} mode={groupBy ? "groups" : "runs"} />
          </section>
        ) : null}
      </div>
    </div>
  );
}
