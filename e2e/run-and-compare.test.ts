import type { Run } from "@looplab/core";
import { createClient, type LooplabClient } from "@looplab/sdk";
import type { RunningServer } from "@looplab/server/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, type TestBrowser } from "./support/browser.js";
import { drawnChart, waitForGrid } from "./support/dashboard-page.js";
import { startDashboardServer } from "./support/dashboard-server.js";

const PROJECT = "pair";

/** Two runs whose configs differ in exactly three paths (one of them present in only one run). */
const configA = {
  model: { name: "resnet", depth: 18, width: 64 },
  optimizer: { name: "adam", lr: 0.001 },
  data: { batch_size: 64, augment: true },
  seed: 1,
};
const configB = {
  model: { name: "resnet", depth: 34, width: 64 },
  optimizer: { name: "adam", lr: 0.01 },
  data: { batch_size: 64, augment: true },
  seed: 1,
  warmup: 100,
};
const DIFFERING = ["model.depth", "optimizer.lr", "warmup"];

describe("dashboard in Chromium: run page and compare", () => {
  let server: RunningServer;
  let browser: TestBrowser;
  let client: LooplabClient;
  let a: Run;
  let b: Run;

  const createFixture = async (name: string, config: Record<string, unknown>, host: string, depth: number) => {
    const run = await client.createRun({
      project: PROJECT,
      name,
      group: "resnet",
      tags: { team: "vision" },
      config,
      host,
      command: `python train.py --depth ${depth}`,
      git: {
        commit: "0123456789abcdef0123456789abcdef01234567",
        branch: "main",
        remote: null,
        dirty: false,
        diff: null,
      },
      environment: { os: "Linux 6.1", runtime: "Python 3.12.3", user: "ada" },
    });
    const steps = Array.from({ length: 200 }, (_, i) => i);
    await client.logMetrics(run.id, {
      series: [{ key: "train/loss", steps, values: steps.map((s) => 2 / (1 + s / (depth * 2))) }],
    });
    return await client.updateRun(run.id, { status: "finished" });
  };

  beforeAll(async () => {
    server = await startDashboardServer();
    client = createClient({ url: server.url });
    const launching = launchBrowser();
    a = await createFixture("resnet-depth-18", configA, "gpu-node-7", 18);
    b = await createFixture("resnet-depth-34", configB, "gpu-node-8", 34);
    await createFixture("resnet-other", { ...configA, seed: 2 }, "gpu-node-9", 18);
    browser = await launching;
  });
  // Each test's pages are closed after it: an open project page keeps a core busy (see the report's render loop).
  afterEach(async () => {
    for (const context of browser?.browser.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("opens a run page from the table: overview with status, host and command; config as a tree", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/projects/${PROJECT}?pane=table`);
    await waitForGrid(page, "grid.rows.length === 3");
    // Project page input goes through DOM events (see support/dashboard-page.ts).
    await page.getByRole("link", { name: a.name, exact: true }).click();
    await page.waitForURL(`${server.url}/runs/${a.id}`);
    await page.getByRole("heading", { name: a.name }).waitFor();

    const field = (label: string) => page.locator(`table.kv tr:has(th:text-is("${label}")) td`).first();
    expect(await field("Status").innerText()).toBe("finished");
    expect(await field("Host").innerText()).toBe("gpu-node-7");
    expect(await field("Command").innerText()).toBe("python train.py --depth 18");
    expect(await field("Project").innerText()).toBe(PROJECT);
    expect(await field("Commit").innerText()).toContain("0123456789");
    await screenshot(page, "run-overview");

    await page.getByRole("tab", { name: "Config" }).click();
    const tree = page.locator(".config-tree");
    await tree.waitFor();
    const lr = tree.locator('li:has(> .config-key:text-is("lr"))');
    expect(await lr.innerText()).toBe("lr: 0.001");
    expect(await tree.locator('summary:has(.config-key:text-is("optimizer"))').count()).toBe(1);
    await screenshot(page, "run-config");

    await page.getByRole("tab", { name: "Metrics" }).click();
    await page.waitForSelector(drawnChart("train/loss"));
    expect(new URL(page.url()).searchParams.get("tab")).toBe("metrics");
    await screenshot(page, "run-metrics");
  });

  it("compares two selected runs: the config diff lists exactly the differing keys", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/projects/${PROJECT}?pane=table`);
    await waitForGrid(page, "grid.rows.length === 3");
    await page.getByRole("checkbox", { name: `select ${a.name}` }).click();
    await page.getByRole("checkbox", { name: `select ${b.name}` }).click();
    await waitForGrid(page, `grid.rows.filter((r) => r.selected).length === 2`);
    await page.getByRole("toolbar", { name: "selected runs" }).getByRole("button", { name: "Compare" }).click();
    await page.waitForURL(/\/projects\/pair\/compare\?runs=/);
    expect(new Set(new URL(page.url()).searchParams.get("runs")?.split(","))).toEqual(new Set([a.id, b.id]));

    const diff = page.getByRole("table", { name: "config diff" });
    await diff.waitFor();
    const rows = diff.locator("tbody tr");
    expect(await rows.locator("th").allInnerTexts()).toEqual(DIFFERING);
    const ids = (new URL(page.url()).searchParams.get("runs") ?? "").split(",");
    const [first, second] = ids[0] === a.id ? [configA, configB] : [configB, configA];
    const cells = (await page.evaluate(
      `[...document.querySelectorAll('table[aria-label="config diff"] tbody tr')].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.innerText.trim()))`,
    )) as string[][];
    const text = (v: unknown) => (v === undefined ? "–" : JSON.stringify(v));
    const get = (c: Record<string, unknown>, path: string) =>
      path.split(".").reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], c);
    expect(cells).toEqual(DIFFERING.map((p) => [text(get(first, p)), text(get(second, p))]));
    expect(await page.getByText("3 keys differ").isVisible()).toBe(true);
    await screenshot(page, "compare");

    // "Show all keys" lists every path, the differing ones marked.
    await page.getByRole("checkbox", { name: "Show all keys" }).check();
    await page.waitForFunction(`document.querySelectorAll('table[aria-label="config diff"] tbody tr').length > 3`);
    expect(await diff.locator("tbody tr").count()).toBe(9);
    expect(await diff.locator("tbody tr.differs th").allInnerTexts()).toEqual(DIFFERING);
    expect(new URL(page.url()).searchParams.get("config")).toBe("all");
  });
});
