import { decodeSelection, encodeSelection, type Selection } from "./selection-model.js";

/**
 * The runs table's state as URL query parameters (pure codec), so a link reproduces the view:
 *   filter  the filter text                 sort   e.g. `-metrics.val/acc.best,name`
 *   cols    column ids, comma-separated     group  a group-by field (`config.model`, `tags.team`, `status`)
 *   open    expanded group values (JSON)    sel    selection (`id,id` or `all,-id`)
 * Defaults are left out of the URL.
 */
export interface TableState {
  filter: string;
  sort: string;
  /** null: the default columns. */
  columns: string[] | null;
  group: string | null;
  /** Expanded groups, by their value's key (see group-model.ts). */
  open: string[];
  selection: Selection;
}

export const DEFAULT_SORT = "-createdAt";
export const tableParams = ["filter", "sort", "cols", "group", "open", "sel"] as const;
export type TableParam = (typeof tableParams)[number];

/** Splits a comma list, keeping commas inside backtick-quoted keys. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (const c of text) {
    if (c === "`") quoted = !quoted;
    if (c === "," && !quoted) {
      if (current.trim() !== "") out.push(current.trim());
      current = "";
    } else current += c;
  }
  if (current.trim() !== "") out.push(current.trim());
  return out;
}

function parseOpen(text: string | null): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

export function readTableState(search: URLSearchParams): TableState {
  const cols = search.get("cols");
  return {
    filter: search.get("filter") ?? "",
    sort: search.get("sort") || DEFAULT_SORT,
    columns: cols ? splitList(cols) : null,
    group: search.get("group") || null,
    open: parseOpen(search.get("open")),
    selection: decodeSelection(search.get("sel")),
  };
}

/** The URL parameters of a state (null = parameter absent). */
export function encodeTableState(state: Partial<TableState>): Partial<Record<TableParam, string | null>> {
  const out: Partial<Record<TableParam, string | null>> = {};
  if (state.filter !== undefined) out.filter = state.filter.trim() === "" ? null : state.filter;
  if (state.sort !== undefined) out.sort = state.sort === DEFAULT_SORT || state.sort === "" ? null : state.sort;
  if (state.columns !== undefined) out.cols = state.columns === null ? null : state.columns.join(",");
  if (state.group !== undefined) out.group = state.group;
  if (state.open !== undefined) out.open = state.open.length === 0 ? null : JSON.stringify(state.open);
  if (state.selection !== undefined) out.sel = encodeSelection(state.selection);
  return out;
}

/** Applies a partial state to query parameters (returns a new object; other parameters are kept). */
export function writeTableState(search: URLSearchParams, patch: Partial<TableState>): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const [name, value] of Object.entries(encodeTableState(patch))) {
    if (value === null || value === undefined || value === "") next.delete(name);
    else next.set(name, value);
  }
  return next;
}

/** What a saved view stores: the whole page query (table and chart settings) except the selection. */
export function viewQuery(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of search) if (name !== "sel") out[name] = value;
  return out;
}
