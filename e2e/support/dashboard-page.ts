import type { Page } from "playwright-core";

/**
 * Reading the dashboard's state from the page for the browser tests. Page code is passed as
 * strings: functions compiled by tsx carry helpers that do not exist in the page.
 */

export interface GridRow {
  /** aria-rowindex (the header row is 1, the first list row 2). */
  index: number;
  busy: boolean;
  /** A group header row (it has aria-expanded). */
  group: boolean;
  expanded: boolean;
  selected: boolean;
  /** Cell texts, aligned with `headers` (the checkbox column left out; a spanning cell is followed by ""); tags joined by ", ". */
  cells: string[];
}

export interface GridState {
  headers: string[];
  /** Sort state per header (aria-sort). */
  sorts: string[];
  rows: GridRow[];
  /** The status line under the toolbar ("36 runs", "36 runs in 4 groups"). */
  status: string;
}

/** An expression that evaluates to the runs grid's GridState (or null before it renders). */
const READ_GRID = `(() => {
  const table = document.querySelector('table[aria-label="runs"]');
  if (!table) return null;
  const text = (el) => {
    const tags = [...el.querySelectorAll(".rt-tag")];
    if (tags.length > 0) return tags.map((t) => t.textContent.trim()).join(", ");
    return (el.innerText || "").replace(/[▲▼]/g, "").replace(/\\s+/g, " ").trim();
  };
  const ths = [...table.querySelectorAll("thead th")].slice(1);
  const rows = [...table.querySelectorAll("tbody tr")].map((tr) => ({
    index: Number(tr.getAttribute("aria-rowindex")),
    busy: tr.getAttribute("aria-busy") === "true",
    group: tr.hasAttribute("aria-expanded"),
    expanded: tr.getAttribute("aria-expanded") === "true",
    selected: tr.getAttribute("aria-selected") === "true",
    // A cell spanning several columns (a group's label) is followed by empty ones, so cells stay
    // aligned with the headers.
    cells: [...tr.cells].slice(1).flatMap((td) => [text(td), ...Array(Math.max(0, td.colSpan - 1)).fill("")]),
  })).sort((a, b) => a.index - b.index);
  const status = document.querySelector('section[aria-label="runs table"] .rt-statusline [aria-live]');
  return {
    headers: ths.map(text),
    sorts: ths.map((th) => th.getAttribute("aria-sort") || "none"),
    rows,
    status: status ? status.textContent.trim() : "",
  };
})()`;

export async function readGrid(page: Page): Promise<GridState> {
  const grid = (await page.evaluate(READ_GRID)) as GridState | null;
  if (!grid) throw new Error("the runs grid is not on the page");
  return grid;
}

/**
 * Waits until the grid shows loaded rows (none busy) and `predicate` — a JS expression over
 * `grid` (a GridState) — holds; returns the grid.
 */
export async function waitForGrid(page: Page, predicate = "true", timeout = 15_000): Promise<GridState> {
  await page.waitForFunction(
    `(() => {
      const grid = ${READ_GRID};
      return grid !== null && grid.rows.length > 0 && grid.rows.every((r) => !r.busy) && /runs/.test(grid.status) && (${predicate});
    })()`,
    undefined,
    { timeout },
  );
  return await readGrid(page);
}

export function column(grid: GridState, header: string): number {
  const index = grid.headers.indexOf(header);
  if (index < 0) throw new Error(`no column '${header}' in ${JSON.stringify(grid.headers)}`);
  return index;
}

/** The texts of one column over the run rows (group header rows left out). */
export function columnValues(grid: GridState, header: string): string[] {
  const i = column(grid, header);
  return grid.rows.filter((r) => !r.group).map((r) => r.cells[i] ?? "");
}

/** The CSS selector of a chart panel's uPlot host once drawn. */
export const drawnChart = (key: string) => `section[aria-label="chart ${key}"] .uplot-host[data-chart-state="drawn"]`;

/** The text of a chart panel's sampled/exact badge ("" when absent). */
export async function chartBadge(page: Page, key: string): Promise<string> {
  return (await page.evaluate(
    `(document.querySelector(${JSON.stringify(`section[aria-label="chart ${key}"] .chart-badge`)})?.textContent ?? "").trim()`,
  )) as string;
}

/** Waits until a chart panel's badge text matches `pattern` (a RegExp source) and it is not loading. */
export async function waitForBadge(page: Page, key: string, pattern: RegExp, timeout = 15_000): Promise<string> {
  const panel = JSON.stringify(`section[aria-label="chart ${key}"]`);
  await page.waitForFunction(
    `(() => {
      const panel = document.querySelector(${panel});
      if (!panel || !panel.querySelector('.uplot-host[data-chart-state="drawn"]')) return false;
      const loading = [...panel.querySelectorAll("header .muted")].some((e) => e.textContent.includes("loading"));
      const badge = panel.querySelector(".chart-badge");
      return !loading && badge !== null && new RegExp(${JSON.stringify(pattern.source)}).test(badge.textContent);
    })()`,
    undefined,
    { timeout },
  );
  return await chartBadge(page, key);
}

/** Parses a badge: `exact · 219 pts` or `sampled · 300,000 pts in 1,344 buckets`. */
export function parseBadge(text: string): { sampled: boolean; points: number; buckets: number | null } {
  const m = /^(exact|sampled) · ([\d,]+) pts(?: in ([\d,]+) buckets)?$/.exec(text.trim());
  if (!m) throw new Error(`not a sampling badge: '${text}'`);
  const num = (s: string) => Number(s.replaceAll(",", ""));
  return { sampled: m[1] === "sampled", points: num(m[2] as string), buckets: m[3] ? num(m[3]) : null };
}

/** Parses a number as the table formats it ("0.8123", "1.2e-4"); NaN for other text. */
export function cellNumber(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** Replaces an input's text as a user would (real keyboard input); optionally presses Enter. */
export async function setInputText(page: Page, selector: string, text: string, enter = false): Promise<void> {
  const input = page.locator(selector);
  await input.fill(text);
  if (enter) await input.press("Enter");
}

export async function pressEnter(page: Page, selector: string): Promise<void> {
  await page.locator(selector).press("Enter");
}

export const filterInput = 'input[aria-label="filter runs"]';
