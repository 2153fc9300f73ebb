import type { Run } from "@looplab/core";
import { createClient, type LooplabClient } from "@looplab/sdk";
import type { RunningServer } from "@looplab/server/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, type TestBrowser } from "./support/browser.js";
import { drawnChart, parseBadge, waitForBadge, waitForGrid } from "./support/dashboard-page.js";
import { startDashboardServer } from "./support/dashboard-server.js";
import { seedProject } from "./support/seed.js";

const PROJECT = "live";
const KEY = "train/loss";
/** The charts poll running runs every 4 s and refresh at most every 2 s (docs/dashboard.md). */
const LIVE_TIMEOUT = 20_000;

describe("dashboard in Chromium: live updates", () => {
  let server: RunningServer;
  let browser: TestBrowser;
  let client: LooplabClient;
  let running: Run;

  beforeAll(async () => {
    server = await startDashboardServer();
    const seeding = seedProject(server.url, { project: PROJECT, runs: 5, steps: 300, running: 1, seed: 11 });
    browser = await launchBrowser();
    await seeding;
    client = createClient({ url: server.url });
    running = (await client.searchRuns({ project: PROJECT, filter: 'status = "running"' })).runs[0] as Run;
  });
  // Each test's pages are closed after it: an open project page keeps a core busy (see the report's render loop).
  afterEach(async () => {
    for (const context of browser?.browser.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("grows a running run's chart and shows its status change in the table, without a reload", async () => {
    const before = running.metrics[KEY]?.count as number;
    const last = running.metrics[KEY]?.lastStep as number;
    expect(before).toBeGreaterThan(10);

    const page = await browser.newPage();
    await page.goto(`${server.url}/projects/${PROJECT}?sel=${running.id}&panels=${encodeURIComponent(KEY)}`);
    await waitForGrid(
      page,
      `grid.rows.some((r) => r.cells[0] === ${JSON.stringify(running.name)} && r.cells[1] === "running")`,
    );
    await page.waitForSelector(drawnChart(KEY));
    expect(parseBadge(await waitForBadge(page, KEY, /^exact/)).points).toBe(before);
    // Survives only if the page is never reloaded.
    await page.evaluate("window.__e2eSamePage = true");

    const steps = Array.from({ length: 100 }, (_, i) => last + 1 + i);
    await client.logMetrics(running.id, {
      series: [{ key: KEY, steps, values: steps.map((s) => 0.5 + 0.1 * Math.cos(s)) }],
    });
    const grown = parseBadge(await waitForBadge(page, KEY, new RegExp(`^exact · ${before + 100} pts$`), LIVE_TIMEOUT));
    expect(grown.points).toBe(before + 100);
    const legend = await page.locator(`section[aria-label="chart ${KEY}"] .chart-legend li`).first().innerText();
    expect(legend).toContain(`@${last + 100}`);
    await screenshot(page, "live-grown");

    await client.updateRun(running.id, { status: "finished", endedAt: Date.now() });
    await waitForGrid(
      page,
      `grid.rows.some((r) => r.cells[0] === ${JSON.stringify(running.name)} && r.cells[1] === "finished")`,
      LIVE_TIMEOUT,
    );
    expect(await page.evaluate("window.__e2eSamePage === true")).toBe(true);
    await screenshot(page, "live-finished");
  });
});
