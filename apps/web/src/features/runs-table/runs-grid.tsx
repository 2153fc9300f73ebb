import type { Run } from "@looplab/core";
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, type MouseEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { navigate, paths } from "../../app/router.js";
import { type ColumnSpec, type Goals, nextSort, primarySort } from "./column-model.js";
import { type GridColumn, GroupHeaderRow, isLive, ROW_HEIGHT, RunRow, SELECT_WIDTH } from "./grid-rows.js";
import type { RunGroup } from "./group-model.js";
import { useNow } from "./live-updates.js";
import { buildLayout, locate } from "./row-window.js";
import { PAGE_SIZE } from "./runs-api.js";
import { isSelected, type Selection, selectRange, toggle } from "./selection-model.js";
import { useDebounced } from "./use-debounced.js";
import { useCachedTotal, usePagedRows } from "./use-runs-data.js";

export const HEADER_HEIGHT = 30;
/** Visible runs are reported (to the charts pane) once scrolling pauses this long, not every frame. */
const VISIBLE_RUNS_SETTLE_MS = 150;

/** One block of rows: a group (header + its runs when expanded) or the whole ungrouped list. */
export interface GridSegment {
  key: string;
  filter: string;
  group: RunGroup | null;
  expanded: boolean;
}

export interface RunsGridProps {
  project: string;
  columns: ColumnSpec[];
  goals: Goals;
  sort: string;
  defaultSort: string;
  onSortChange(sort: string): void;
  segments: GridSegment[];
  groupBy: string | null;
  onToggleGroup(key: string): void;
  selection: Selection;
  onSelectionChange(selection: Selection): void;
  onTotal?(total: number | null): void;
  onError?(error: Error | null): void;
  onVisibleRuns?(runs: Run[]): void;
}

/**
 * TanStack Table only models the columns (headers, resizing): body rows are drawn from the column
 * specs directly, so scrolling never rebuilds a row model.
 */
const NO_ROWS: Run[] = [];

const sameRange = (a: [number, number], b: [number, number]) => a[0] === b[0] && a[1] === b[1];

export function RunsGrid(props: RunsGridProps) {
  const { project, columns, goals, sort, segments, selection } = props;
  const gridId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const anchor = useRef<number | null>(null);
  const [focus, setFocus] = useState(0);
  const cachedTotal = useCachedTotal();

  const grouped = props.groupBy !== null;
  const layout = buildLayout(
    segments.map((s) => {
      const known = cachedTotal(project, s.filter, sort);
      const rows = grouped && !s.expanded ? 0 : (known ?? s.group?.count ?? PAGE_SIZE);
      return { key: s.key, header: grouped ? 1 : 0, rows };
    }),
  );

  const virtualizer = useVirtualizer({
    count: layout.total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const range: [number, number] = [items[0]?.index ?? 0, items[items.length - 1]?.index ?? -1];
  const fetchRange = useDebounced(range, 80, sameRange);
  const rows = usePagedRows(
    project,
    sort,
    segments.map((s) => s.filter),
    layout,
    fetchRange[0],
    fetchRange[1],
  );

  const visibleRuns = items.map((v) => rows.runAt(v.index)).filter((r): r is Run => r !== undefined);
  const anyRunning = visibleRuns.some((r) => r.status === "running" || r.status === "queued");
  const now = useNow(anyRunning);

  const flatTotal = grouped ? null : (rows.totals.get(0) ?? cachedTotal(project, segments[0]?.filter ?? "", sort));
  const { onTotal, onError, onVisibleRuns } = props;
  useEffect(() => onTotal?.(flatTotal), [flatTotal, onTotal]);
  useEffect(() => onError?.(rows.error), [rows.error, onError]);
  const visibleKey = visibleRuns.map((r) => `${r.id}:${r.updatedAt}`).join(",");
  const latestVisible = useRef(visibleRuns);
  latestVisible.current = visibleRuns;
  // Reporting every scroll frame re-rendered (and refetched) the charts pane each frame.
  useEffect(() => {
    const timer = window.setTimeout(() => onVisibleRuns?.(latestVisible.current), VISIBLE_RUNS_SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [visibleKey, onVisibleRuns]);

  const columnDefs = useMemo<ColumnDef<Run>[]>(
    () => columns.map((spec) => ({ id: spec.id, header: spec.label, size: spec.width, minSize: 50 })),
    [columns],
  );
  const table = useReactTable({
    data: NO_ROWS,
    columns: columnDefs,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    autoResetAll: false,
    columnResizeMode: "onChange",
  });
  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const sizes = headers.map((h) => h.getSize());
  const sizesKey = sizes.join(",");
  const width = SELECT_WIDTH + sizes.reduce((sum, w) => sum + w, 0);
  // Stable while only the scroll position changes, so memoised rows skip re-rendering.
  const gridColumns = useMemo<GridColumn[]>(
    () => columns.map((spec, i) => ({ spec, width: sizes[i] ?? spec.width })),
    [columns, sizesKey],
  );
  const current = primarySort(sort);

  const runIdsBetween = (from: number, to: number): string[] => {
    const ids: string[] = [];
    for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
      const run = rows.runAt(i);
      if (run) ids.push(run.id);
    }
    return ids;
  };

  const clickSelect = (index: number, run: Run, shift: boolean) => {
    if (shift && anchor.current !== null) {
      props.onSelectionChange(
        selectRange(selection, runIdsBetween(anchor.current, index), !isSelected(selection, run.id)),
      );
    } else {
      props.onSelectionChange(toggle(selection, run.id));
    }
    anchor.current = index;
    setFocus(index);
  };

  const moveFocus = (index: number) => {
    const next = Math.max(0, Math.min(layout.total - 1, index));
    setFocus(next);
    virtualizer.scrollToIndex(next, { align: "auto" });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (target !== event.currentTarget && ["INPUT", "BUTTON", "A"].includes(target.tagName)) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    const slot = locate(layout, focus, PAGE_SIZE);
    const run = rows.runAt(focus);
    const actions: Record<string, () => void> = {
      ArrowDown: () => moveFocus(focus + 1),
      ArrowUp: () => moveFocus(focus - 1),
      PageDown: () => moveFocus(focus + page),
      PageUp: () => moveFocus(focus - page),
      Home: () => moveFocus(0),
      End: () => moveFocus(layout.total - 1),
      " ": () => {
        if (slot?.kind === "header") toggleGroupAt(slot.segment);
        else if (run) clickSelect(focus, run, event.shiftKey);
      },
      Enter: () => {
        if (slot?.kind === "header") toggleGroupAt(slot.segment);
        else if (run) navigate(paths.run(run.id));
      },
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  const toggleGroupAt = (segment: number) => {
    const s = segments[segment];
    if (s) props.onToggleGroup(s.key);
  };

  // Row callbacks keep their identity across renders (memoised rows) and call the latest closures.
  const latest = useRef({ clickSelect, onToggleGroup: props.onToggleGroup });
  latest.current = { clickSelect, onToggleGroup: props.onToggleGroup };
  const onSelectClick = useCallback(
    (index: number, run: Run, shift: boolean) => latest.current.clickSelect(index, run, shift),
    [],
  );
  const onToggleRow = useCallback((index: number, key: string) => {
    setFocus(index);
    latest.current.onToggleGroup(key);
  }, []);

  const allMode = selection.mode === "all";
  const rowId = (index: number) => `${gridId}-row-${index}`;

  return (
    <div ref={scrollRef} className="rt-grid">
      <table
        className="rt-table"
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: an ARIA grid (rows navigated with aria-activedescendant) over real table markup
        role="grid"
        aria-label="runs"
        aria-rowcount={layout.total + 1}
        aria-colcount={columns.length + 1}
        aria-multiselectable="true"
        aria-activedescendant={layout.total > 0 ? rowId(focus) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        style={{ width }}
      >
        <thead className="rt-head" style={{ width, height: HEADER_HEIGHT }}>
          <tr aria-rowindex={1} className="rt-row rt-header-row">
            <th scope="col" className="rt-cell rt-select" style={{ width: SELECT_WIDTH }}>
              <input
                type="checkbox"
                aria-label="select all matching runs"
                checked={allMode && selection.except.length === 0}
                onChange={() =>
                  props.onSelectionChange(allMode ? { mode: "ids", ids: [] } : { mode: "all", except: [] })
                }
              />
            </th>
            {headers.map((header) => {
              const spec = columns.find((c) => c.id === header.id) as ColumnSpec;
              const sorted =
                current?.columnId === spec.id ? (current.descending ? "descending" : "ascending") : undefined;
              return (
                <th
                  key={header.id}
                  scope="col"
                  aria-sort={sorted ?? "none"}
                  className={`rt-cell${spec.numeric ? " num" : ""}`}
                  style={{ width: header.getSize() }}
                  title={spec.title}
                >
                  {spec.sortable ? (
                    <button
                      type="button"
                      className="rt-sort"
                      onClick={() => props.onSortChange(nextSort(sort, spec, props.defaultSort))}
                    >
                      {flexRender(header.column.columnDef.header, header.getContext())}
                      <span className="rt-arrow" aria-hidden="true">
                        {sorted === "ascending" ? "▲" : sorted === "descending" ? "▼" : ""}
                      </span>
                    </button>
                  ) : (
                    <span className="rt-sort">{spec.label}</span>
                  )}
                  <span
                    className="rt-resize"
                    aria-hidden="true"
                    onMouseDown={header.getResizeHandler()}
                    onClick={(e: MouseEvent) => e.stopPropagation()}
                  />
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="rt-body" style={{ height: virtualizer.getTotalSize(), width }}>
          {items.map((item) => {
            const slot = locate(layout, item.index, PAGE_SIZE);
            const focused = item.index === focus;
            if (slot?.kind === "header") {
              const segment = segments[slot.segment] as GridSegment;
              return (
                <GroupHeaderRow
                  key={`h:${segment.key}`}
                  id={rowId(item.index)}
                  index={item.index}
                  start={item.start}
                  width={width}
                  focused={focused}
                  segmentKey={segment.key}
                  group={segment.group}
                  expanded={segment.expanded}
                  groupBy={props.groupBy ?? ""}
                  columns={gridColumns}
                  onToggle={onToggleRow}
                />
              );
            }
            const run = rows.runAt(item.index);
            return (
              <RunRow
                key={`r:${item.index}`}
                id={rowId(item.index)}
                index={item.index}
                start={item.start}
                width={width}
                run={run}
                selected={run ? isSelected(selection, run.id) : false}
                focused={focused}
                columns={gridColumns}
                goals={goals}
                now={isLive(run) ? now : 0}
                onFocusRow={setFocus}
                onSelectClick={onSelectClick}
              />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
