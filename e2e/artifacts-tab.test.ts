import { createHash } from "node:crypto";
import { createClient, type LooplabClient } from "@looplab/sdk";
import type { RunningServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot, type TestBrowser } from "./support/browser.js";
import { startDashboardServer } from "./support/dashboard-server.js";

/** The run page's Artifacts tab in Chromium: a run with files, checkpoints and a consumer run. */
describe("dashboard in Chromium: the Artifacts tab", () => {
  let server: RunningServer;
  let browser: TestBrowser;
  let client: LooplabClient;
  let producer: string;
  let consumer: string;

  const put = async (runId: string, path: string, bytes: Uint8Array, extra: Record<string, string> = {}) => {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const query = new URLSearchParams({ path, sha256, ...extra });
    const response = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/content?${query}`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    if (response.status !== 201) throw new Error(`upload ${path}: ${response.status} ${await response.text()}`);
  };

  beforeAll(async () => {
    server = await startDashboardServer();
    client = createClient({ url: server.url });
    const launching = launchBrowser();
    producer = (await client.createRun({ project: "artifacts", name: "resnet-pretrain" })).id;
    consumer = (await client.createRun({ project: "artifacts", name: "resnet-finetune" })).id;
    await client.call("putRunRetention", { params: { runId: producer }, body: { keepLast: 2 } });
    await put(
      producer,
      "model/resnet18.onnx",
      new Uint8Array(180_000).map((_, i) => i % 256),
      { type: "model" },
    );
    await put(producer, "model/config.json", new TextEncoder().encode('{"depth":18}'), { type: "model" });
    await put(producer, "predictions/val.csv", new TextEncoder().encode("id,label\n1,cat\n2,dog\n"), {
      type: "predictions",
    });
    for (const [step, acc] of [
      [1000, 0.71],
      [2000, 0.84],
      [3000, 0.88],
    ] as const) {
      await put(producer, `ckpt/step-${step}/weights.bin`, new Uint8Array(40_000 + step).fill(step % 256), {
        type: "checkpoint",
        step: String(step),
        metrics: JSON.stringify({ "val/acc": acc, loss: 1 - acc }),
      });
    }
    await client.call("recordLineage", {
      params: { runId: consumer },
      body: { used: [{ runId: producer, path: "model/resnet18.onnx", role: "pretrained" }] },
    });
    await client.updateRun(producer, { status: "finished" });
    browser = await launching;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the file tree, checkpoints and lineage, and follows the lineage link", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/runs/${producer}`);
    await page.getByRole("heading", { name: "resnet-pretrain" }).waitFor();
    await page.getByRole("tab", { name: "Artifacts" }).click();
    const tree = page.getByRole("table", { name: "artifact files" });
    await tree.waitFor();
    expect(new URL(page.url()).searchParams.get("tab")).toBe("artifacts");
    const modelRow = tree.locator('tr[data-path="model/resnet18.onnx"]');
    expect(await modelRow.locator("td").nth(1).innerText()).toBe("176 KB");
    const href = await modelRow.getByRole("link", { name: "download model/resnet18.onnx" }).getAttribute("href");
    expect(href).toBe(`${server.url}/api/v1/runs/${producer}/artifacts/content?path=model%2Fresnet18.onnx`);

    const checkpoints = page.getByRole("table", { name: "checkpoints" });
    await checkpoints.waitFor();
    const latest = checkpoints.locator('tr[data-step="3000"]');
    expect(await latest.innerText()).toContain("latest");
    expect(await latest.innerText()).toContain("val/acc: 0.88");
    expect(await checkpoints.locator('tr[data-step="1000"]').innerText()).toContain("collected");

    const produced = page.getByRole("list", { name: "produced artifacts" });
    await produced.getByRole("button", { name: "used by 1 run" }).click();
    await produced.getByRole("link", { name: consumer }).waitFor();
    await screenshot(page, "run-artifacts");

    await produced.getByRole("link", { name: consumer }).click();
    await page.getByRole("heading", { name: "resnet-finetune" }).waitFor();
    await page.getByRole("tab", { name: "Artifacts" }).click();
    await page.getByText("No artifacts yet").waitFor();
    const used = page.getByRole("list", { name: "used artifacts" });
    await used.getByRole("link", { name: producer }).waitFor();
    await screenshot(page, "run-artifacts-consumer");
  });
});
