import type { Run } from "@looplab/core";
import { memo } from "react";
import { formatMeanStd, formatNumber } from "./cell-format.js";
import type { ColumnSpec, Goals } from "./column-model.js";
import { RunCell } from "./grid-cells.js";
import type { RunGroup } from "./group-model.js";

export const ROW_HEIGHT = 28;
export const SELECT_WIDTH = 34;

/** A column as the body rows draw it: its spec and current (resizable) width. */
export interface GridColumn {
  spec: ColumnSpec;
  width: number;
}

/** Only running or queued runs show a ticking duration; the others ignore the clock. */
export const isLive = (run: Run | undefined) => run?.status === "running" || run?.status === "queued";

const rowStyle = (start: number, width: number) => ({
  transform: `translateY(${start}px)`,
  height: ROW_HEIGHT,
  width,
});

export interface RunRowProps {
  id: string;
  index: number;
  /** Offset of the row from the body's top, px. */
  start: number;
  width: number;
  /** Undefined while the row's page loads (a placeholder row). */
  run: Run | undefined;
  selected: boolean;
  focused: boolean;
  columns: readonly GridColumn[];
  goals: Goals;
  /** The clock for live runs' durations (0 for the others, so scrolling never re-renders them). */
  now: number;
  onFocusRow(index: number): void;
  onSelectClick(index: number, run: Run, shift: boolean): void;
}

/**
 * One run row. Memoised with props that stay equal while the table scrolls (offsets as numbers,
 * stable callbacks), so a scroll frame renders only the rows that come into view.
 */
export const RunRow = memo(function RunRow(props: RunRowProps) {
  const { run, index, selected, focused, columns } = props;
  return (
    <tr
      id={props.id}
      aria-rowindex={index + 2}
      aria-selected={selected}
      aria-busy={run ? undefined : true}
      className={`rt-row${selected ? " is-selected" : ""}${focused ? " is-focused" : ""}${run ? "" : " is-placeholder"}`}
      style={rowStyle(props.start, props.width)}
      onMouseDown={() => props.onFocusRow(index)}
    >
      <td className="rt-cell rt-select" style={{ width: SELECT_WIDTH }}>
        {run ? (
          <input
            type="checkbox"
            aria-label={`select ${run.name || run.id}`}
            checked={selected}
            onChange={() => {}}
            onClick={(e) => props.onSelectClick(index, run, e.shiftKey)}
          />
        ) : null}
      </td>
      {run
        ? columns.map(({ spec, width }) => (
            <td key={spec.id} className={`rt-cell${spec.numeric ? " num" : ""}`} style={{ width }}>
              <RunCell run={run} spec={spec} goals={props.goals} now={props.now} />
            </td>
          ))
        : columns.map(({ spec, width }) => (
            <td key={spec.id} className="rt-cell" style={{ width }}>
              <span className="rt-skeleton" />
            </td>
          ))}
    </tr>
  );
});

export interface GroupHeaderRowProps {
  id: string;
  index: number;
  start: number;
  width: number;
  focused: boolean;
  segmentKey: string;
  group: RunGroup | null;
  expanded: boolean;
  groupBy: string;
  columns: readonly GridColumn[];
  onToggle(index: number, segmentKey: string): void;
}

/** A group's header row: its value, run count and each numeric column's mean ± std. */
export const GroupHeaderRow = memo(function GroupHeaderRow(props: GroupHeaderRowProps) {
  const { group, expanded, columns } = props;
  const label = group === null || group.value === null ? "(none)" : String(group.value);
  // The label spans the leading text columns (name, status, tags…), up to the first numeric one.
  const firstNumeric = columns.findIndex((c) => c.spec.numeric);
  const labelSpan = Math.max(1, firstNumeric === -1 ? columns.length : firstNumeric);
  const labelWidth = columns.slice(0, labelSpan).reduce((sum, c) => sum + c.width, 0);
  return (
    <tr
      id={props.id}
      aria-rowindex={props.index + 2}
      aria-expanded={expanded}
      className={`rt-row rt-group-row${props.focused ? " is-focused" : ""}`}
      style={rowStyle(props.start, props.width)}
    >
      <td className="rt-cell rt-select" style={{ width: SELECT_WIDTH }}>
        <button
          type="button"
          className="ghost rt-chevron"
          tabIndex={-1}
          aria-label={`${expanded ? "collapse" : "expand"} group ${label}`}
          onClick={() => props.onToggle(props.index, props.segmentKey)}
        >
          {expanded ? "▾" : "▸"}
        </button>
      </td>
      <td className="rt-cell rt-group-label" colSpan={labelSpan} style={{ width: labelWidth }}>
        <span className="muted">{`${props.groupBy} = `}</span>
        <strong>{label}</strong>
        <span className="rt-count" title={`${group?.count ?? 0} runs`}>
          {group?.count ?? 0}
        </span>
      </td>
      {columns.slice(labelSpan).map(({ spec, width }) => {
        const stats = group?.fields[spec.id];
        return (
          <td key={spec.id} className={`rt-cell${spec.numeric ? " num" : ""}`} style={{ width }}>
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
});
