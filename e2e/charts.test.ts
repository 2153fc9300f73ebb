import type { SeriesWindow } from "@looplab/core";
import { createClient, type LooplabClient } from "@looplab/sdk";
import type { RunningServer } from "@looplab/server/testing";
import type { Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, type TestBrowser } from "./support/browser.js";
import { drawnChart, parseBadge, waitForBadge, waitForGrid } from "./support/dashboard-page.js";
import { startDashboardServer } from "./support/dashboard-server.js";
import { seedProject } from "./support/seed.js";

const PROJECT = "charts";
const LONG_STEPS = 50_000;
const SPIKE_STEP = 25_010;
const SPIKE_VALUE = 40;
const KEY = "train/loss";

/** A smooth, deterministic curve around 1 with one spike (a series no fixed downsampling may hide it in). */
const longValue = (step: number) =>
  step === SPIKE_STEP ? SPIKE_VALUE : 1 + 0.5 * Math.exp(-step / 8_000) + 0.01 * Math.sin(step);

const isChartQuery = (request: Request) =>
  request.url().endsWith("/api/v1/metrics/query") &&
  (JSON.parse(request.postData() ?? "{}") as { series?: { key: string }[] }).series?.[0]?.key === KEY;

/** What the panel's badge must say for a server answer (docs/dashboard.md). */
function expectedBadge(series: SeriesWindow[]): string {
  const points = series.reduce((n, s) => n + s.totalPoints, 0).toLocaleString("en-US");
  const buckets = series.reduce((n, s) => n + s.buckets.length, 0).toLocaleString("en-US");
  return series.some((s) => s.sampled) ? `sampled · ${points} pts in ${buckets} buckets` : `exact · ${points} pts`;
}

describe("dashboard in Chromium: charts", () => {
  let server: RunningServer;
  let browser: TestBrowser;
  let client: LooplabClient;
  let longId: string;
  let seededId: string;
  let seededName: string;

  beforeAll(async () => {
    server = await startDashboardServer();
    client = createClient({ url: server.url });
    const seeding = seedProject(server.url, { project: PROJECT, runs: 6, steps: 2_000, running: 0, seed: 3 });
    browser = await launchBrowser();
    const long = await client.createRun({
      project: PROJECT,
      name: "long-spike",
      group: "long",
      config: { kind: "long" },
    });
    longId = long.id;
    for (let start = 0; start < LONG_STEPS; start += 10_000) {
      const steps = Array.from({ length: 10_000 }, (_, i) => start + i);
      await client.logMetrics(longId, { series: [{ key: KEY, steps, values: steps.map(longValue) }] });
    }
    await client.updateRun(longId, { status: "finished" });
    await seeding;
    const seeded = (await client.searchRuns({ project: PROJECT, filter: 'group != "long"', limit: 1 })).runs[0];
    seededId = seeded?.id as string;
    seededName = seeded?.name as string;
  });
  // Each test's pages are closed after it: an open project page keeps a core busy (see the report's render loop).
  afterEach(async () => {
    for (const context of browser?.browser.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("draws every panel of the selected runs, marking a long series as sampled", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/projects/${PROJECT}`);
    await waitForGrid(page);
    // Project page input goes through DOM events (see support/dashboard-page.ts).
    await page.getByRole("checkbox", { name: "select long-spike" }).click();
    await page.getByRole("checkbox", { name: `select ${seededName}` }).click();
    await waitForGrid(page, `grid.rows.filter((r) => r.selected).length === 2`);
    await page.getByRole("tab", { name: "Charts", exact: true }).click();
    expect(await page.locator(".chart-source").innerText()).toBe("Charts of 2 selected runs.");

    const keys = ["lr", "train/loss", "val/acc", "val/loss"];
    for (const key of keys) await page.waitForSelector(drawnChart(key));
    const panels = (await page.evaluate(
      `[...document.querySelectorAll("section.chart-panel")].map((e) => e.getAttribute("aria-label"))`,
    )) as string[];
    expect([...panels].sort()).toEqual(keys.map((k) => `chart ${k}`));

    const badge = parseBadge(await waitForBadge(page, KEY, /^sampled/));
    expect(badge.sampled).toBe(true);
    expect(badge.points).toBe(LONG_STEPS + 2_000);
    expect(badge.buckets).toBeLessThan(2 * 2_000);
    // Panels of short series stay exact.
    expect(parseBadge(await waitForBadge(page, "val/acc", /^exact/)).sampled).toBe(false);
    await screenshot(page, "charts-sampled");
  });

  it("zooms by dragging on a panel until its points are exact, and they are the server's points", async () => {
    const page = await browser.newPage();
    const panel = page.locator(`section[aria-label="chart ${KEY}"]`);
    await page.goto(`${server.url}/projects/${PROJECT}/compare?runs=${longId},${seededId}&panels=${KEY}`);
    // The charts sit below the config diff, metrics and parallel coordinates; panels fetch once on screen.
    const first = page.waitForResponse((r) => isChartQuery(r.request()));
    await panel.scrollIntoViewIfNeeded();
    const overview = (await (await first).json()) as { series: SeriesWindow[] };
    await waitForBadge(page, KEY, /^sampled/);
    // The spike sits inside one bucket of the overview, and that bucket's max keeps it (drawn as the band).
    const long = overview.series.find((s) => s.runId === longId) as SeriesWindow;
    const bucket = long.buckets.find((b) => b.startStep <= SPIKE_STEP && SPIKE_STEP <= b.endStep);
    expect(bucket?.count).toBeGreaterThan(1);
    expect(Number(bucket?.max)).toBe(SPIKE_VALUE);

    let window: { startStep: number; endStep: number } | null = null;
    let answer: SeriesWindow[] = [];
    // The x range on screen: the data's steps at first, then each zoom's window.
    let range: [number, number] = [0, LONG_STEPS - 1];
    for (let zoom = 0; zoom < 6; zoom++) {
      const over = await panel.locator(".u-over").boundingBox();
      if (!over) throw new Error("no plot overlay");
      const y = over.y + over.height / 2;
      // Drag across a tenth of the plot, around the spike.
      const at = over.x + ((SPIKE_STEP - range[0]) / (range[1] - range[0])) * over.width;
      const request = page.waitForRequest(
        (r) => isChartQuery(r) && JSON.parse(r.postData() ?? "{}").startStep !== undefined,
      );
      await page.mouse.move(Math.max(over.x + 1, at - over.width * 0.05), y);
      await page.mouse.down();
      await page.mouse.move(Math.min(over.x + over.width - 1, at + over.width * 0.05), y, { steps: 8 });
      await page.mouse.up();
      const sent = await request;
      window = JSON.parse(sent.postData() ?? "{}") as { startStep: number; endStep: number };
      range = [window.startStep, window.endStep];
      const response = await sent.response();
      if (!response) throw new Error("the zoomed chart query got no response");
      answer = ((await response.json()) as { series: SeriesWindow[] }).series;
      const label = await waitForBadge(
        page,
        KEY,
        new RegExp(`^${expectedBadge(answer.filter((s) => s.totalPoints > 0))}$`),
      );
      if (label.startsWith("exact")) break;
    }
    expect(window).not.toBeNull();
    const { startStep, endStep } = window as { startStep: number; endStep: number };
    expect(startStep).toBeLessThanOrEqual(SPIKE_STEP);
    expect(endStep).toBeGreaterThanOrEqual(SPIKE_STEP);
    expect(await panel.getByRole("button", { name: "Reset zoom" }).isVisible()).toBe(true);

    // The exact points on screen are every point the server stores in that window.
    const badge = parseBadge(await waitForBadge(page, KEY, /^exact/));
    const exact = await client.seriesPoints(longId, { key: KEY, startStep, endStep, limit: 100_000 });
    const seeded = await client.seriesPoints(seededId, { key: KEY, startStep, endStep, limit: 100_000 });
    expect(badge.points).toBe(exact.points.length + seeded.points.length);
    expect(exact.points.length).toBeGreaterThan(1);
    const drawn = (answer.find((s) => s.runId === longId) as SeriesWindow).buckets;
    expect(drawn.map((b) => [b.first.step, Number(b.first.value)])).toEqual(
      exact.points.map((p) => [p.step, Number(p.value)]),
    );
    expect(exact.points.find((p) => p.step === SPIKE_STEP)?.value).toBe(SPIKE_VALUE);
    await screenshot(page, "charts-zoomed-exact");

    await panel.getByRole("button", { name: "Reset zoom" }).click();
    expect(parseBadge(await waitForBadge(page, KEY, /^sampled/)).points).toBe(LONG_STEPS + 2_000);
  });
});
