import type { Run } from "@looplab/core";
import { isLooplabError } from "@looplab/core";
import { useCallback, useMemo, useState } from "react";
import type { ProjectEventsStatus } from "../../api/project-events.js";
import { useSearchParam } from "../../app/url-state.js";
import { defaultColumnIds, parseColumns } from "./column-model.js";
import { ColumnPicker } from "./column-picker.js";
import { FilterBox } from "./filter-box.js";
import { type FilterProblem, problemFromMessage } from "./filter-suggestions.js";
import { GroupBySelect } from "./group-by-select.js";
import { andFilters, groupClause, groupSpec } from "./group-model.js";
import { useLiveRunUpdates } from "./live-updates.js";
import { GROUPS_LIMIT, KEYS_LIMIT } from "./runs-api.js";
import { type GridSegment, RunsGrid } from "./runs-grid.js";
import { SavedViewsMenu } from "./saved-views-menu.js";
import { SelectionBar } from "./selection-bar.js";
import type { Selection } from "./selection-model.js";
import { DEFAULT_SORT, encodeTableState, readTableState } from "./table-url-state.js";
import { useKeyCatalog, useProjectGoals, useRunGroups } from "./use-runs-data.js";
import "./runs-table.css";

export interface RunsTableProps {
  project: string;
  /** The runs on screen (for charts of "visible runs" when nothing is selected). */
  onVisibleRuns?(runs: Run[]): void;
}

/** The project page's runs table; every piece of its state lives in the URL. */
export function RunsTable({ project, onVisibleRuns }: RunsTableProps) {
  const [filterParam, setFilterParam] = useSearchParam("filter");
  const [sortParam, setSortParam] = useSearchParam("sort");
  const [colsParam, setColsParam] = useSearchParam("cols");
  const [groupParam, setGroupParam] = useSearchParam("group");
  const [openParam, setOpenParam] = useSearchParam("open");
  const [selParam, setSelParam] = useSearchParam("sel");
  const state = readTableState(
    new URLSearchParams(
      Object.entries({
        filter: filterParam,
        sort: sortParam,
        cols: colsParam,
        group: groupParam,
        open: openParam,
        sel: selParam,
      }).filter((e): e is [string, string] => e[1] !== null),
    ),
  );
  const { filter, sort } = state;

  const { definitions, goals } = useProjectGoals(project);
  const { catalog, error: catalogError } = useKeyCatalog(project, definitions);
  const defaults = useMemo(() => {
    const withGoal = catalog.metrics.filter((m) => m.goal);
    const rest = catalog.metrics.filter((m) => !m.goal);
    return defaultColumnIds([...withGoal, ...rest]);
  }, [catalog]);
  const columnIds = state.columns ?? defaults;
  const columns = useMemo(() => parseColumns(columnIds), [columnIds.join(",")]);
  const numericColumns = useMemo(() => columns.filter((c) => c.kind === "metric" || c.kind === "config"), [columns]);

  const spec = groupSpec(state.group);
  const groupBy = spec ? spec.id : null;
  const groups = useRunGroups(project, filter, groupBy, numericColumns);

  const [total, setTotal] = useState<number | null>(null);
  const [serverError, setServerError] = useState<Error | null>(null);
  const live = useLiveRunUpdates(project);

  const setSelection = useCallback(
    (selection: Selection) => setSelParam(encodeTableState({ selection }).sel ?? null),
    [setSelParam],
  );
  const toggleGroup = useCallback(
    (key: string) => {
      const open = state.open.includes(key) ? state.open.filter((k) => k !== key) : [...state.open, key];
      setOpenParam(encodeTableState({ open }).open ?? null);
    },
    [state.open, setOpenParam],
  );
  const handleVisible = useCallback((runs: Run[]) => onVisibleRuns?.(runs), [onVisibleRuns]);

  const segments: GridSegment[] = useMemo(() => {
    if (!groupBy) return [{ key: "all", filter, group: null, expanded: true }];
    return (groups.data?.groups ?? []).map((g) => ({
      key: g.key,
      filter: andFilters(filter, groupClause(groupBy, g.value)),
      group: g,
      expanded: state.open.includes(g.key),
    }));
  }, [groupBy, groups.data, filter, state.open]);

  const problem: FilterProblem | null =
    serverError && isLooplabError(serverError) && serverError.code === "INVALID_ARGUMENT"
      ? problemFromMessage(serverError.message, serverError.details)
      : null;
  const shownTotal = groupBy ? (groups.data?.runs ?? null) : total;

  return (
    <section className="rt" aria-label="runs table">
      <div className="rt-toolbar">
        <FilterBox
          project={project}
          value={filter}
          onApply={(f) => setFilterParam(f.trim() === "" ? null : f)}
          catalog={catalog}
          serverProblem={problem}
        />
        <GroupBySelect
          catalog={catalog}
          value={groupBy}
          onChange={(g) => {
            setOpenParam(null);
            setGroupParam(g);
          }}
        />
        <ColumnPicker
          catalog={catalog}
          value={columns.map((c) => c.id)}
          onChange={(ids) => setColsParam(ids.join(","))}
          onReset={() => setColsParam(null)}
        />
        <SavedViewsMenu project={project} />
      </div>
      <div className="rt-statusline">
        <span className="muted" aria-live="polite">
          {shownTotal === null ? "Loading runs…" : `${shownTotal.toLocaleString()} runs`}
          {groupBy && groups.data
            ? ` in ${groups.data.groups.length} groups${
                groups.data.total > groups.data.groups.length
                  ? ` (the ${GROUPS_LIMIT.toLocaleString()} largest of ${groups.data.total.toLocaleString()})`
                  : ""
              }`
            : ""}
        </span>
        <LiveBadge state={live.state} error={live.error} />
        <SelectionBar
          project={project}
          filter={filter}
          selection={state.selection}
          total={shownTotal}
          onSelectionChange={setSelection}
        />
        {serverError && !problem ? <span className="error">Could not load runs: {serverError.message}</span> : null}
        {groups.error ? <span className="error">Could not group runs: {groups.error.message}</span> : null}
        {catalogError ? <span className="error">Could not load the project's keys: {catalogError.message}</span> : null}
        {catalog.truncated ? (
          <span className="muted">Key lists show the first {KEYS_LIMIT.toLocaleString()} keys of each kind.</span>
        ) : null}
      </div>
      <RunsGrid
        project={project}
        columns={columns}
        goals={goals}
        sort={sort}
        defaultSort={DEFAULT_SORT}
        onSortChange={(s) => setSortParam(s === DEFAULT_SORT ? null : s)}
        segments={segments}
        groupBy={groupBy}
        onToggleGroup={toggleGroup}
        selection={state.selection}
        onSelectionChange={setSelection}
        onTotal={setTotal}
        onError={setServerError}
        onVisibleRuns={handleVisible}
      />
    </section>
  );
}

/** The live stream's state: a dot while connected, a message when the connection dropped or was refused. */
function LiveBadge({ state, error }: ProjectEventsStatus) {
  if (state === "open")
    return (
      <span className="rt-live is-open" title="Runs update live">
        live
      </span>
    );
  if (state === "connecting") return <span className="rt-live muted">connecting…</span>;
  return (
    <span className="rt-live error" role="status">
      {state === "failed" ? "Live updates unavailable" : "Live updates interrupted, reconnecting"}
      {error ? `: ${error.message}` : ""}
    </span>
  );
}
