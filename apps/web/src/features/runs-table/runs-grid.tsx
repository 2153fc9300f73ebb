import type { Run } from "@looplab/core";
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, type MouseEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { navigate, paths } from "../../app/router.js";
import { formatMeanStd, formatNumber } from "./cell-format.js";
import { type ColumnSpec, type Goals, nextSort, primarySort } from "./column-model.js";
import { RunCell } from "./grid-cells.js";
import type { RunGroup } from "./group-model.js";
import { useNow } from "./live-updates.js";
import { buildLayout, locate } from "./row-window.js";
import { PAGE_SIZE } from "./runs-api.js";
import { isSelected, type Selection, selectRange, toggle } from "./selection-model.js";
import { useDebounced } from "./use-debounced.js";
import { useCachedTotal, usePagedRows } from "./use-runs-data.js";

export const ROW_HEIGHT = 28;
export const HEADER_HEIGHT = 30;
const SELECT_WIDTH = 34;

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

interface RowItem {
  index: number;
  run: Run;
}

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
  useEffect(() => onVisibleRuns?.(visibleRuns), [visibleKey, onVisibleRuns]);

  const data = useMemo<RowItem[]>(
    () =>
      items.flatMap((v) => {
        const run = rows.runAt(v.index);
        return run ? [{ index: v.index, run }] : [];
      }),
    [items, rows],
  );
  const columnDefs = useMemo<ColumnDef<RowItem>[]>(
    () =>
      columns.map((spec) => ({
        id: spec.id,
        header: spec.label,
        size: spec.width,
        minSize: 50,
        cell: (ctx) => {
          const meta = ctx.table.options.meta as { goals: Goals; now: number };
          return <RunCell run={ctx.row.original.run} spec={spec} goals={meta.goals} now={meta.now} />;
        },
      })),
    [columns],
  );
  const table = useReactTable({
    data,
    columns: columnDefs,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (item) => String(item.index),
    manualSorting: true,
    // Rows change with every scroll and fetch: resetting table state on each new `data` made it
    // re-render itself in a loop (hundreds of commits a second on an idle page).
    autoResetAll: false,
    columnResizeMode: "onChange",
    meta: { goals, now },
  });
  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const width = SELECT_WIDTH + headers.reduce((sum, h) => sum + h.getSize(), 0);
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
            const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, width };
            const focused = item.index === focus;
            if (slot?.kind === "header") {
              const segment = segments[slot.segment] as GridSegment;
              return (
                <GroupHeaderRow
                  key={`h:${segment.key}`}
                  id={rowId(item.index)}
                  index={item.index}
                  style={style}
                  focused={focused}
                  segment={segment}
                  groupBy={props.groupBy ?? ""}
                  columns={columns}
                  widths={headers.map((h) => h.getSize())}
                  onToggle={() => {
                    setFocus(item.index);
                    props.onToggleGroup(segment.key);
                  }}
                />
              );
            }
            const run = rows.runAt(item.index);
            const row = run ? table.getRow(String(item.index)) : null;
            const selected = run ? isSelected(selection, run.id) : false;
            return (
              <tr
                key={`r:${item.index}`}
                id={rowId(item.index)}
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                aria-busy={run ? undefined : true}
                className={`rt-row${selected ? " is-selected" : ""}${focused ? " is-focused" : ""}${run ? "" : " is-placeholder"}`}
                style={style}
                onMouseDown={() => setFocus(item.index)}
              >
                <td className="rt-cell rt-select" style={{ width: SELECT_WIDTH }}>
                  {run ? (
                    <input
                      type="checkbox"
                      aria-label={`select ${run.name || run.id}`}
                      checked={selected}
                      onChange={() => {}}
                      onClick={(e) => clickSelect(item.index, run, e.shiftKey)}
                    />
                  ) : null}
                </td>
                {row
                  ? row.getVisibleCells().map((cell) => {
                      const spec = columns.find((c) => c.id === cell.column.id) as ColumnSpec;
                      return (
                        <td
                          key={cell.id}
                          className={`rt-cell${spec.numeric ? " num" : ""}`}
                          style={{ width: cell.column.getSize() }}
                        >
                          {flexRender(cell.column.columnDef.cell, cell.getContext())}
                        </td>
                      );
                    })
                  : headers.map((h) => (
                      <td key={h.id} className="rt-cell" style={{ width: h.getSize() }}>
                        <span className="rt-skeleton" />
                      </td>
                    ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function GroupHeaderRow(props: {
  id: string;
  index: number;
  style: React.CSSProperties;
  focused: boolean;
  segment: GridSegment;
  groupBy: string;
  columns: ColumnSpec[];
  widths: number[];
  onToggle(): void;
}) {
  const { segment, columns, widths } = props;
  const group = segment.group;
  const label = group === null || group.value === null ? "(none)" : String(group.value);
  // The label spans the leading text columns (name, status, tags…), up to the first numeric one.
  const firstNumeric = columns.findIndex((c) => c.numeric);
  const labelSpan = Math.max(1, firstNumeric === -1 ? columns.length : firstNumeric);
  const labelWidth = widths.slice(0, labelSpan).reduce((sum, w) => sum + (w ?? 0), 0);
  return (
    <tr
      id={props.id}
      aria-rowindex={props.index + 2}
      aria-expanded={segment.expanded}
      className={`rt-row rt-group-row${props.focused ? " is-focused" : ""}`}
      style={props.style}
    >
      <td className="rt-cell rt-select" style={{ width: SELECT_WIDTH }}>
        <button
          type="button"
          className="ghost rt-chevron"
          tabIndex={-1}
          aria-label={`${segment.expanded ? "collapse" : "expand"} group ${label}`}
          onClick={props.onToggle}
        >
          {segment.expanded ? "▾" : "▸"}
        </button>
      </td>
      <td className="rt-cell rt-group-label" colSpan={labelSpan} style={{ width: labelWidth }}>
        <span className="muted">{`${props.groupBy} = `}</span>
        <strong>{label}</strong>
        <span className="rt-count" title={`${group?.count ?? 0} runs`}>
          {group?.count ?? 0}
        </span>
      </td>
      {columns.slice(labelSpan).map((col, j) => {
        const stats = group?.fields[col.id];
        return (
          <td key={col.id} className={`rt-cell${col.numeric ? " num" : ""}`} style={{ width: widths[labelSpan + j] }}>
            {stats ? (
              <span
                title={`mean ${formatNumber(stats.mean)} ± std ${formatNumber(stats.std)} over n = ${stats.n} runs${
                  stats.min !== null && stats.max !== null
                    ? `; min ${formatNumber(stats.min)}, max ${formatNumber(stats.max)}`
                    : ""
                }`}
              >
                {formatMeanStd(stats.mean, stats.std)}
              </span>
            ) : null}
          </td>
        );
      })}
    </tr>
  );
}
