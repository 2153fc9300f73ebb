import type { Run } from "@looplab/core";
import { createClient, type LooplabClient } from "@looplab/sdk";
import type { RunningServer } from "@looplab/server/testing";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, type TestBrowser } from "./support/browser.js";
import {
  cellNumber,
  column,
  columnValues,
  drawnChart,
  filterInput,
  pressEnter,
  readGrid,
  setInputText,
  waitForGrid,
} from "./support/dashboard-page.js";
import { startDashboardServer } from "./support/dashboard-server.js";
import { seedProject } from "./support/seed.js";

const PROJECT = "vision";
const RUNS = 36;

describe("dashboard in Chromium: the runs table", () => {
  let server: RunningServer;
  let browser: TestBrowser;
  let client: LooplabClient;
  let runs: Run[];

  /** Every run of the project as the API lists it under a filter and sort. */
  const search = async (filter = "", sort = "-createdAt") =>
    (await client.searchRuns({ project: PROJECT, filter, sort, limit: 1000 })).runs;

  const open = async (query = "?pane=table", page?: Page) => {
    const p = page ?? (await browser.newPage());
    await p.goto(`${server.url}/projects/${PROJECT}${query}`);
    return p;
  };
  const urlParam = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

  beforeAll(async () => {
    server = await startDashboardServer();
    const seeding = seedProject(server.url, { project: PROJECT, runs: RUNS, steps: 400, running: 2, seed: 7 });
    browser = await launchBrowser();
    await seeding;
    client = createClient({ url: server.url });
    runs = await search();
  });
  // Each test's pages are closed after it: an open project page keeps a core busy (see the report's render loop).
  afterEach(async () => {
    for (const context of browser?.browser.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the runs, filters them from the filter box and reports an invalid filter inline", async () => {
    const page = await open();
    let grid = await waitForGrid(page, `grid.rows.length >= 20`);
    expect(grid.status).toBe(`${RUNS} runs`);
    expect(grid.headers.slice(0, 5)).toEqual(["name", "status", "tags", "created", "duration"]);
    expect(columnValues(grid, "name").slice(0, 20)).toEqual(runs.slice(0, 20).map((r) => r.name));
    await screenshot(page, "runs-table");

    const filter = 'tags.team = "vision" and metrics.val/acc.best > 0.3';
    const expected = await search(filter);
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.length).toBeLessThan(RUNS);
    const box = page.getByRole("combobox", { name: "filter runs" });
    await setInputText(page, filterInput, filter, true);
    grid = await waitForGrid(page, `grid.status === "${expected.length} runs"`);
    expect(urlParam(page, "filter")).toBe(filter);
    expect(columnValues(grid, "name")).toEqual(expected.map((r) => r.name));
    for (const tags of columnValues(grid, "tags")) expect(tags.split(", ")).toContain("team:vision");
    for (const acc of columnValues(grid, "val/acc best")) expect(cellNumber(acc)).toBeGreaterThan(0.3);
    await screenshot(page, "runs-filtered");

    // A filter that does not parse: the error shows under the box, and Enter applies nothing.
    await setInputText(page, filterInput, 'tags.team = "vision" and status =');
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/column \d+: .*expected/i);
    expect(await box.getAttribute("aria-invalid")).toBe("true");
    await pressEnter(page, filterInput);
    await screenshot(page, "runs-filter-error");
    expect(urlParam(page, "filter")).toBe(filter);
    expect(columnValues(await readGrid(page), "name")).toEqual(expected.map((r) => r.name));
  });

  it("sorts by a metric column when its header is clicked", async () => {
    const page = await open();
    await waitForGrid(page);
    const header = page.getByRole("button", { name: "val/acc best", exact: true });

    await header.click();
    let grid = await waitForGrid(
      page,
      `grid.sorts[grid.headers.indexOf("val/acc best")] === "descending" && grid.rows.length >= 20`,
    );
    expect(urlParam(page, "sort")).toBe("-metrics.val/acc.best");
    const best = (r: Run) => r.metrics["val/acc"]?.best as number;
    const descending = columnValues(grid, "val/acc best").map(cellNumber);
    expect(descending.every((v, i) => i === 0 || v <= (descending[i - 1] as number))).toBe(true);
    expect(descending[0]).toBeCloseTo(Math.max(...runs.map(best)), 3);
    expect(columnValues(grid, "name").slice(0, 20)).toEqual(
      (await search("", "-metrics.val/acc.best")).slice(0, 20).map((r) => r.name),
    );
    await screenshot(page, "runs-sorted");

    await header.click();
    grid = await waitForGrid(page, `grid.sorts[grid.headers.indexOf("val/acc best")] === "ascending"`);
    expect(urlParam(page, "sort")).toBe("metrics.val/acc.best");
    const ascending = columnValues(grid, "val/acc best").map(cellNumber);
    expect(ascending.every((v, i) => i === 0 || v >= (ascending[i - 1] as number))).toBe(true);
    expect(ascending[0]).toBeCloseTo(Math.min(...runs.map(best)), 3);
  });

  it("groups by a config key with the count and mean ± std of each group", async () => {
    const page = await open();
    await waitForGrid(page);
    await page.getByRole("combobox", { name: "group by" }).selectOption("config.model.name");
    const grid = await waitForGrid(page, `grid.rows.length > 0 && grid.rows.every((r) => r.group)`);
    expect(urlParam(page, "group")).toBe("config.model.name");

    const byModel = new Map<string, Run[]>();
    for (const r of runs) {
      const name = (r.config.model as { name: string }).name;
      byModel.set(name, [...(byModel.get(name) ?? []), r]);
    }
    expect(grid.status).toBe(`${RUNS} runs in ${byModel.size} groups`);
    const acc = column(grid, "val/acc best");
    let checkedStd = 0;
    for (const row of grid.rows) {
      const m = /^config\.model\.name = (\S+) (\d+)$/.exec(row.cells[0] ?? "");
      expect(m, row.cells[0]).not.toBeNull();
      const members = byModel.get(m?.[1] as string) ?? [];
      expect(Number(m?.[2])).toBe(members.length);
      const values = members.map((r) => r.metrics["val/acc"]?.best as number);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const [shownMean, shownStd] = (row.cells[acc] ?? "").split(" ± ").map(Number);
      // Shown with 3 significant digits for the mean and 2 for the spread.
      expect(shownMean).toBeCloseTo(Number(mean.toPrecision(3)), 9);
      if (values.length >= 2) {
        const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
        expect(shownStd).toBeCloseTo(Number(std.toPrecision(2)), 9);
        checkedStd += 1;
      }
    }
    expect(checkedStd).toBeGreaterThan(0);

    // Expanding a group lists its runs under its header.
    const first = /= (\S+) /.exec(grid.rows[0]?.cells[0] ?? "")?.[1] as string;
    await page.getByRole("button", { name: `expand group ${first}` }).click();
    const expanded = await waitForGrid(page, `grid.rows.some((r) => !r.group)`);
    expect(expanded.rows[0]?.expanded).toBe(true);
    const members = byModel.get(first) ?? [];
    const shown = expanded.rows.slice(1, 1 + members.length);
    expect(shown.every((r) => !r.group)).toBe(true);
    expect(shown.map((r) => r.cells[0]).sort()).toEqual(members.map((r) => r.name).sort());
    await screenshot(page, "runs-grouped");
  });

  it("selects runs with the checkboxes (shift-click selects a range)", async () => {
    const page = await open();
    const grid = await waitForGrid(page, `grid.rows.length >= 6`);
    const names = columnValues(grid, "name");
    await page.getByRole("checkbox", { name: `select ${names[0]}` }).click();
    await waitForGrid(page, `grid.rows[0].selected`);
    await page.getByRole("checkbox", { name: `select ${names[3]}` }).click({ modifiers: ["Shift"] });
    await waitForGrid(page, `grid.rows[3].selected`);
    await page.getByRole("checkbox", { name: `select ${names[5]}` }).click();
    const selected = await waitForGrid(page, `grid.rows.filter((r) => r.selected).length === 5`);
    expect(selected.rows.filter((r) => r.selected).map((r) => r.cells[0])).toEqual([...names.slice(0, 4), names[5]]);
    const bar = page.getByRole("toolbar", { name: "selected runs" });
    expect(await bar.locator("strong").innerText()).toBe("5 selected");
    expect(await bar.getByRole("button", { name: "Compare" }).isEnabled()).toBe(true);
    const ids = new Set((urlParam(page, "sel") ?? "").split(","));
    expect(ids).toEqual(new Set([...runs.slice(0, 4), runs[5]].map((r) => (r as Run).id)));
    await screenshot(page, "runs-selected");
  });

  it("reproduces filter, sort, columns and grouping from a shared URL in a fresh browser context", async () => {
    const page = await open();
    await waitForGrid(page);
    const filter = 'status = "finished"';
    await setInputText(page, filterInput, filter, true);
    await waitForGrid(page, `grid.rows.every((r) => r.cells[1] === "finished")`);
    await page.getByRole("button", { name: "train/loss best", exact: true }).click();
    await waitForGrid(page, `grid.sorts[grid.headers.indexOf("train/loss best")] === "descending"`);

    // Columns: add a config path, drop the tags column.
    await page.getByRole("button", { name: /^Columns/ }).click();
    const picker = page.getByRole("dialog", { name: "choose columns" });
    const search = 'input[aria-label="search columns"]';
    await setInputText(page, search, "optimizer.lr");
    await picker.getByRole("checkbox", { name: "optimizer.lr", exact: true }).click();
    await setInputText(page, search, "tags (all)");
    await picker.getByRole("checkbox", { name: "tags (all)", exact: true }).click();
    await picker.getByRole("button", { name: "close" }).click();
    await waitForGrid(page, `grid.headers.includes("optimizer.lr") && !grid.headers.includes("tags")`);

    await page.getByRole("combobox", { name: "group by" }).selectOption("config.optimizer.name");
    const groups = await waitForGrid(page, `grid.rows.every((r) => r.group)`);
    const firstGroup = /= (\S+) /.exec(groups.rows[0]?.cells[0] ?? "")?.[1] as string;
    await page.getByRole("button", { name: `expand group ${firstGroup}` }).click();
    const before = await waitForGrid(page, `grid.rows.some((r) => !r.group)`);
    const shared = page.url();
    for (const p of ["filter", "sort", "cols", "group", "open"]) expect(urlParam(page, p), p).not.toBeNull();

    const fresh = await browser.newPage();
    await fresh.goto(shared);
    const after = await waitForGrid(fresh, `grid.rows.some((r) => !r.group)`);
    expect(await fresh.getByRole("combobox", { name: "filter runs" }).inputValue()).toBe(filter);
    expect(await fresh.getByRole("combobox", { name: "group by" }).inputValue()).toBe("config.optimizer.name");
    expect(after.headers).toEqual(before.headers);
    expect(after.sorts).toEqual(before.sorts);
    expect(after.status).toBe(before.status);
    const rows = (g: typeof before) => g.rows.slice(0, 12).map((r) => ({ group: r.group, cells: r.cells }));
    expect(rows(after)).toEqual(rows(before));
    // The run rows of the open group follow the sort: train/loss best descending.
    const losses = columnValues(after, "train/loss best").map(cellNumber);
    expect(losses.every((v, i) => i === 0 || v <= (losses[i - 1] as number))).toBe(true);
    await screenshot(fresh, "shared-url");
  });

  it("renders the project page (table and charts) in the dark theme", async () => {
    const page = await browser.newPage({ colorScheme: "dark" });
    await open("", page);
    await waitForGrid(page);
    await page.waitForSelector(drawnChart("train/loss"));
    expect(await page.evaluate("document.documentElement.dataset.theme")).toBe("dark");
    // The page background is dark and the text light.
    const luminance = (await page.evaluate(`(() => {
      const lum = (c) => { const [r, g, b] = c.match(/\\d+/g).map(Number); return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
      const body = getComputedStyle(document.body);
      return [lum(body.backgroundColor), lum(body.color)];
    })()`)) as [number, number];
    expect(luminance[0]).toBeLessThan(0.25);
    expect(luminance[1]).toBeGreaterThan(0.6);
    await screenshot(page, "project-dark");
  });
});
