// @vitest-environment jsdom
import { createHash } from "node:crypto";
import type { LooplabClient } from "@looplab/sdk";
import { cleanup, configure, fireEvent, screen, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { matchRoute, paths } from "../../app/router.js";
import { ModelPage } from "../../pages/model-page.js";
import { RegistryPage } from "../../pages/registry-page.js";
import { RunPage } from "../../pages/run-page.js";
import { type RealServer, startRealServer, testClient } from "../../testing/real-server.js";
import { renderWithApi } from "../../testing/render-with-api.js";

// uPlot needs a canvas (absent in jsdom); the run page imports the charts.
vi.mock("uplot", () => import("../../testing/inert-uplot.js"));

configure({ asyncUtilTimeout: 10_000 });

/** The registry pages against a real `looplab server`: two models, one with three versions of two runs. */
let server: RealServer;
let api: LooplabClient;
let runA: string;
let runB: string;

async function put(runId: string, path: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const query = new URLSearchParams({ path, sha256, type: "model" });
  const response = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/content?${query}`, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream" },
    body: bytes,
  });
  if (response.status !== 201) throw new Error(`upload ${path}: ${response.status} ${await response.text()}`);
}

beforeAll(async () => {
  server = await startRealServer();
  api = testClient(server.url);
  runA = (await api.createRun({ project: "digits", name: "mlp-a" })).id;
  runB = (await api.createRun({ project: "digits", name: "mlp-b" })).id;
  await api.logMetrics(runA, { points: [{ key: "val/acc", step: 1, value: 0.91, time: 1_700_000_000_000 }] });
  await api.logMetrics(runB, { points: [{ key: "val/acc", step: 1, value: 0.95, time: 1_700_000_000_000 }] });
  await put(runA, "model.onnx", new Uint8Array(2048).fill(1));
  await put(runB, "model.onnx", new Uint8Array(1024).fill(2));
  await api.call("createModel", { body: { name: "digits-mlp", description: "the MLP on digits" } });
  await api.call("createModel", { body: { name: "other-model" } });
  for (const runId of [runA, runB, runB]) {
    await api.call("createModelVersion", { params: { name: "digits-mlp" }, body: { runId, path: "model.onnx" } });
  }
  await api.call("updateModelVersion", {
    params: { name: "digits-mlp", version: 2 },
    body: { stage: "Production" },
  });
  await api.call("setModelAlias", { params: { name: "digits-mlp", alias: "champion" }, body: { version: 2 } });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
});

describe("registry pages against a real server", () => {
  it("routes /models and /models/:name", () => {
    expect(matchRoute("/models")).toEqual({ page: "models" });
    expect(matchRoute(paths.model("a/b c"))).toEqual({ page: "model", name: "a/b c" });
  });

  it("lists models with latest version, aliases and a link to each model; filters by name", async () => {
    renderWithApi(api, <RegistryPage />);
    const table = await screen.findByRole("table", { name: "registered models" });
    const row = table.querySelector('tr[data-model="digits-mlp"]') as HTMLElement;
    const cells = within(row).getAllByRole("cell");
    expect(cells[1]?.textContent).toBe("v3");
    expect(cells[2]?.textContent).toBe("@champion → v2");
    expect(cells[3]?.textContent).toBe("the MLP on digits");
    expect(within(row).getByRole("link", { name: "digits-mlp" }).getAttribute("href")).toBe("/models/digits-mlp");
    expect(table.querySelector('tr[data-model="other-model"]')).not.toBeNull();

    fireEvent.change(screen.getByRole("searchbox", { name: "filter models" }), { target: { value: "OTHER" } });
    await screen.findByText("other-model");
    await vi.waitFor(() => expect(screen.queryByText("digits-mlp")).toBeNull());
  });

  it("shows a model's versions with stage, aliases, run links and the run's metrics at registration", async () => {
    renderWithApi(api, <ModelPage name="digits-mlp" />);
    const table = await screen.findByRole("table", { name: "model versions" });
    const rows = [...table.querySelectorAll("tbody tr")] as HTMLElement[];
    expect(rows.map((r) => r.dataset.version)).toEqual(["3", "2", "1"]);
    const v2 = within(rows[1] as HTMLElement).getAllByRole("cell");
    expect(v2[1]?.textContent).toBe("Production");
    expect(v2[2]?.textContent).toBe("@champion");
    expect(
      within(rows[1] as HTMLElement)
        .getByRole("link")
        .getAttribute("href"),
    ).toBe(`/runs/${runB}`);
    expect(
      within(rows[2] as HTMLElement)
        .getByRole("link")
        .getAttribute("href"),
    ).toBe(`/runs/${runA}`);
    const header = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
    const accColumn = header.indexOf("val/acc");
    expect(accColumn).toBeGreaterThan(0);
    expect(within(rows[2] as HTMLElement).getAllByRole("cell")[accColumn]?.textContent).toBe("0.9100");
    expect(screen.getByText(/3 versions/)).toBeTruthy();
  });

  it("says on the run page which model versions a run was registered as", async () => {
    window.history.replaceState(null, "", `/runs/${runB}`);
    renderWithApi(api, <RunPage runId={runB} />);
    const line = await screen.findByText(/Registered as/);
    const links = within(line).getAllByRole("link");
    expect(links.map((l) => l.textContent)).toEqual(["digits-mlp v2", "digits-mlp v3"]);
    expect(links[0]?.getAttribute("href")).toBe("/models/digits-mlp");
  });

  it("shows an error for a missing model", async () => {
    renderWithApi(api, <ModelPage name="nope" />);
    expect((await screen.findByText(/Could not load model nope/)).textContent).toContain("not found");
  });
});
