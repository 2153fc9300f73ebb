import { createClient } from "@looplab/sdk";
import type { RunningServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, type TestBrowser } from "./support/browser.js";
import { startDashboardServer } from "./support/dashboard-server.js";

describe("dashboard in Chromium: projects", () => {
  let server: RunningServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startDashboardServer();
    browser = await launchBrowser();
    const client = createClient({ url: server.url });
    await client.call("createRun", { body: { project: "digits", name: "mlp" } });
    await client.call("createRun", { body: { project: "cifar", name: "resnet" } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("lists projects and opens one by its link", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    const table = page.getByRole("table");
    await table.getByRole("link", { name: "digits" }).waitFor();
    expect(await table.getByRole("link").allInnerTexts()).toEqual(expect.arrayContaining(["digits", "cifar"]));
    await screenshot(page, "projects");
    await table.getByRole("link", { name: "digits" }).click();
    await page.waitForURL(`${server.url}/projects/digits`);
  });

  it("follows the theme of the system and keeps a choice", async () => {
    const page = await browser.newPage({ colorScheme: "dark" });
    await page.goto(server.url);
    await page.getByRole("table").waitFor();
    expect(await page.evaluate("document.documentElement.dataset.theme")).toBe("dark");
    await screenshot(page, "projects-dark");
    await page.getByRole("button", { name: "Light" }).click();
    await page.reload();
    await page.getByRole("table").waitFor();
    expect(await page.evaluate("document.documentElement.dataset.theme")).toBe("light");
  });
});
