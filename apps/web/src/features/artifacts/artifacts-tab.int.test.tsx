// @vitest-environment jsdom
import { createHash } from "node:crypto";
import type { LooplabClient } from "@looplab/sdk";
import { cleanup, configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { paths } from "../../app/router.js";
import { RunPage } from "../../pages/run-page.js";
import { type RealServer, startRealServer, testClient } from "../../testing/real-server.js";
import { renderWithApi } from "../../testing/render-with-api.js";
import { ArtifactsTab } from "./artifacts-tab.js";

// uPlot needs a canvas (absent in jsdom); the run page imports the charts.
vi.mock("uplot", () => import("../../testing/inert-uplot.js"));

configure({ asyncUtilTimeout: 10_000 });

/**
 * The Artifacts tab against a real `looplab server`: run A produces a model, predictions and two
 * checkpoints (retention keeps the last one); run B used A's model; run C has 25 files (three pages of 10).
 */
let server: RealServer;
let api: LooplabClient;
let a: string;
let b: string;
let c: string;
const model = new Uint8Array(3000).map((_, i) => (i * 7) % 251);

async function put(
  runId: string,
  path: string,
  bytes: Uint8Array<ArrayBuffer>,
  extra: Record<string, string> = {},
): Promise<void> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const query = new URLSearchParams({ path, sha256, ...extra });
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
  a = (await api.createRun({ project: "art", name: "producer" })).id;
  b = (await api.createRun({ project: "art", name: "consumer" })).id;
  c = (await api.createRun({ project: "art", name: "many-files" })).id;
  await api.call("putRunRetention", { params: { runId: a }, body: { keepLast: 1 } });
  await put(a, "model/model.onnx", model, { type: "model" });
  await put(a, "preds.csv", new TextEncoder().encode("id,label\n1,cat\n"), { type: "predictions" });
  await put(a, "ckpt/step-100/weights.bin", new Uint8Array(1500).fill(1), {
    type: "checkpoint",
    step: "100",
    metrics: JSON.stringify({ "val/acc": 0.8 }),
  });
  await put(a, "ckpt/step-200/weights.bin", new Uint8Array(2048).fill(2), {
    type: "checkpoint",
    step: "200",
    metrics: JSON.stringify({ "val/acc": 0.9, loss: 0.25 }),
  });
  await api.call("recordLineage", {
    params: { runId: b },
    body: { used: [{ runId: a, path: "model/model.onnx", role: "pretrained" }] },
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < 25) {
        const i = next++;
        await put(c, `files/f-${String(i).padStart(3, "0")}.txt`, new TextEncoder().encode(`file ${i}`));
      }
    }),
  );
}, 120_000);

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
});

const fileRow = (path: string) => document.querySelector(`tr[data-path="${path}"]`) as HTMLTableRowElement | null;

describe("Artifacts tab against a real server", () => {
  it("opens from the run page's tabs and shows the file tree with sizes, types and digests", async () => {
    window.history.replaceState(null, "", `/runs/${a}`);
    renderWithApi(api, <RunPage runId={a} />);
    fireEvent.click(await screen.findByRole("tab", { name: "Artifacts" }));
    expect(new URLSearchParams(window.location.search).get("tab")).toBe("artifacts");
    const tree = await screen.findByRole("table", { name: "artifact files" });
    const modelRow = fileRow("model/model.onnx");
    expect(modelRow).not.toBeNull();
    const cells = within(modelRow as HTMLElement).getAllByRole("cell");
    expect(cells[0]?.textContent).toBe("model.onnx");
    expect(cells[1]?.textContent).toBe("2.93 KB");
    expect(cells[2]?.textContent).toBe("model");
    const sha = createHash("sha256").update(model).digest("hex");
    expect(cells[3]?.textContent).toBe(sha.slice(0, 12));
    expect(cells[3]?.querySelector("code")?.getAttribute("title")).toBe(sha);
    expect(fileRow("ckpt/step-200/weights.bin")?.textContent).toContain("2.00 KB");
    // Folders first, then files; a folder sums its files.
    const firstCells = [...tree.querySelectorAll("tbody tr")].map((r) => r.querySelector("td")?.textContent?.trim());
    expect(firstCells).toEqual(["▾ ckpt/", "▾ step-200/", "weights.bin", "▾ model/", "model.onnx", "preds.csv"]);
    // A collected checkpoint leaves the file tree (it stays in the checkpoints table).
    expect(fileRow("ckpt/step-100/weights.bin")).toBeNull();
    // The storage line.
    const storage = await screen.findByLabelText("storage");
    expect(storage.textContent).toContain("3 artifacts · 4.94 KB logical · 4.94 KB stored");
    expect(storage.textContent).toContain("1.46 KB collected by retention");

    // Folders collapse and expand.
    fireEvent.click(screen.getByRole("button", { name: "collapse ckpt/" }));
    expect(fileRow("ckpt/step-200/weights.bin")).toBeNull();
    expect(fileRow("model/model.onnx")).not.toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "expand ckpt/" }));
    expect(fileRow("ckpt/step-200/weights.bin")).not.toBeNull();
  });

  it("downloads through a plain link to the content route, serving the same bytes", async () => {
    renderWithApi(api, <ArtifactsTab runId={a} live={false} />);
    const link = await screen.findByRole("link", { name: "download model/model.onnx" });
    const href = link.getAttribute("href") ?? "";
    expect(href).toBe(`${server.url}/api/v1/runs/${a}/artifacts/content?path=model%2Fmodel.onnx`);
    expect(link.getAttribute("download")).toBe("model.onnx");
    const response = await fetch(href);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(model);
    // A collected checkpoint has no download link (its bytes are gone).
    expect(screen.queryByRole("link", { name: "download ckpt/step-100/weights.bin" })).toBeNull();
  });

  it("lists checkpoints by step with metrics, retention state and the latest marked", async () => {
    renderWithApi(api, <ArtifactsTab runId={a} live={false} />);
    const table = await screen.findByRole("table", { name: "checkpoints" });
    const row = (step: number) => table.querySelector(`tr[data-step="${step}"]`) as HTMLElement;
    await waitFor(() => expect(row(200)).not.toBeNull());
    expect(row(200).textContent).toContain("latest");
    expect(row(200).textContent).toContain("loss: 0.25, val/acc: 0.9");
    expect(row(200).textContent).toContain("kept (last)");
    expect(row(200).textContent).toContain("ckpt/step-200");
    expect(row(100).textContent).toContain("val/acc: 0.8");
    expect(row(100).textContent).toContain("collected");
    expect(row(100).textContent).not.toContain("latest");
    expect(screen.getByText(/Retention: keep the last 1 \(run policy\)/)).toBeTruthy();
  });

  it("links lineage both ways: the consumer to its producer, the producer to its consumers", async () => {
    renderWithApi(api, <ArtifactsTab runId={b} live={false} />);
    // B has no files of its own…
    expect(await screen.findByText("No artifacts yet")).toBeTruthy();
    // …but used A's model.
    const used = await screen.findByRole("list", { name: "used artifacts" });
    expect(used.textContent).toContain("model/model.onnx");
    expect(used.textContent).toContain("as pretrained");
    expect(within(used).getByRole("link", { name: a }).getAttribute("href")).toBe(paths.run(a));
    cleanup();

    renderWithApi(api, <ArtifactsTab runId={a} live={false} />);
    const produced = await screen.findByRole("list", { name: "produced artifacts" });
    const usedBy = within(produced).getByRole("button", { name: "used by 1 run" });
    expect(produced.textContent).toContain("not used by any run"); // preds.csv
    fireEvent.click(usedBy);
    const consumer = await within(produced).findByRole("link", { name: b });
    expect(consumer.getAttribute("href")).toBe(paths.run(b));
  });

  it("pages through a long file list with Load more", async () => {
    renderWithApi(api, <ArtifactsTab runId={c} live={false} pageSize={10} />);
    await screen.findByText(/Showing 10 of 25 files/);
    expect(fileRow("files/f-009.txt")).not.toBeNull();
    expect(fileRow("files/f-010.txt")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await screen.findByText(/Showing 20 of 25 files/);
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(fileRow("files/f-024.txt")).not.toBeNull());
    expect(screen.getByText("25 files.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
    expect(screen.getByText("No checkpoints", { exact: false })).toBeTruthy();
  });
});
