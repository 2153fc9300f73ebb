// @vitest-environment jsdom
import type { LooplabClient } from "@looplab/sdk";
import { cleanup, configure, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { RunPage } from "../../pages/run-page.js";
import { type RealServer, startRealServer, testClient } from "../../testing/real-server.js";
import { renderWithApi } from "../../testing/render-with-api.js";
import { LogsTab } from "./logs-tab.js";

// uPlot needs a canvas (absent in jsdom); the run page imports the charts.
vi.mock("uplot", () => import("../../testing/inert-uplot.js"));

configure({ asyncUtilTimeout: 10_000 });

/** The Logs tab against a real `looplab server`: a finished run with 1,200 lines, a running one. */
let server: RealServer;
let api: LooplabClient;
let done: string;
const TOTAL = 1_200;
const textOf = (seq: number) => `line ${seq}${seq % 10 === 0 ? " ERROR" : ""}`;

beforeAll(async () => {
  server = await startRealServer();
  api = testClient(server.url);
  done = (await api.createRun({ project: "logs-ui", name: "finished" })).id;
  for (let start = 1; start <= TOTAL; start += 400) {
    const lines = Array.from({ length: 400 }, (_, i) => {
      const seq = start + i;
      return { stream: seq % 10 === 0 ? ("stderr" as const) : ("stdout" as const), text: textOf(seq), time: seq };
    });
    await api.call("appendLogs", { params: { runId: done }, body: { lines } });
  }
  await api.updateRun(done, { status: "finished" });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const heights = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "clientHeight");
beforeEach(() => {
  // jsdom has no layout: give the log view a height so the virtualiser renders some rows.
  Object.defineProperty(HTMLElement.prototype, "clientHeight", {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains("logs-view") ? 360 : 0;
    },
  });
});
afterEach(() => {
  cleanup();
  if (heights) Object.defineProperty(HTMLElement.prototype, "clientHeight", heights);
  window.history.replaceState(null, "", "/");
});

const renderedSeqs = () => [...document.querySelectorAll<HTMLElement>(".log-line")].map((el) => Number(el.dataset.seq));

describe("Logs tab against a real server", () => {
  it("opens from the run page and shows the end of the log, virtualised, stderr marked", async () => {
    window.history.replaceState(null, "", `/runs/${done}`);
    renderWithApi(api, <RunPage runId={done} />);
    fireEvent.click(await screen.findByRole("tab", { name: "Logs" }));
    expect(new URLSearchParams(window.location.search).get("tab")).toBe("logs");
    await waitFor(() => expect(renderedSeqs().length).toBeGreaterThan(0));
    const seqs = renderedSeqs();
    // The last 500 lines are loaded; only a window of them is in the DOM.
    expect(seqs[0]).toBe(TOTAL - 500 + 1);
    expect(seqs.length).toBeLessThan(100);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
    const stderrRow = document.querySelector('.log-line[data-seq="710"]');
    expect(stderrRow?.classList.contains("log-stderr")).toBe(true);
    expect(stderrRow?.querySelector('[title="stderr"]')).not.toBeNull();
    expect(document.querySelector('.log-line[data-seq="711"]')?.classList.contains("log-stderr")).toBe(false);
  });

  it("loads earlier lines page by page until the first", async () => {
    renderWithApi(api, <LogsTab runId={done} project="logs-ui" live={false} />);
    const earlier = await screen.findByRole("button", { name: "Load earlier lines" });
    fireEvent.click(earlier);
    await waitFor(() => expect(renderedSeqs()[0]).toBe(201));
    fireEvent.click(await screen.findByRole("button", { name: "Load earlier lines" }));
    await waitFor(() => expect(renderedSeqs()[0]).toBe(1));
    expect(screen.queryByRole("button", { name: "Load earlier lines" })).toBeNull();
    expect(document.querySelector('.log-line[data-seq="1"] .log-text')?.textContent).toBe("line 1");
  });

  it("highlights search matches in the loaded lines and counts them", async () => {
    renderWithApi(api, <LogsTab runId={done} project="logs-ui" live={false} />);
    await waitFor(() => expect(renderedSeqs().length).toBeGreaterThan(0));
    fireEvent.change(screen.getByRole("searchbox", { name: "search logs" }), { target: { value: "error" } });
    expect((await screen.findByRole("status", { name: "matches" })).textContent).toBe("50 matching lines");
    const marks = [...document.querySelectorAll(".log-line mark")].map((m) => m.textContent);
    expect(marks.length).toBeGreaterThan(0);
    expect(new Set(marks)).toEqual(new Set(["ERROR"]));
    expect(document.querySelector('.log-line[data-seq="710"] mark')?.textContent).toBe("ERROR");
    expect(document.querySelector('.log-line[data-seq="711"] mark')).toBeNull();
  });

  it("downloads the whole log (every page) as text", async () => {
    const blobs: Blob[] = [];
    const create = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return "blob:logs";
    });
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: () => {} });
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    try {
      renderWithApi(api, <LogsTab runId={done} project="logs-ui" live={false} />);
      await waitFor(() => expect(renderedSeqs().length).toBeGreaterThan(0));
      fireEvent.click(screen.getByRole("button", { name: "Download" }));
      await waitFor(() => expect(click).toHaveBeenCalled());
      // jsdom's Blob has no text(): read it as a browser would.
      const text = await new Promise<string>((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.readAsText(blobs[0] as Blob);
      });
      const lines = text.trimEnd().split("\n");
      expect(lines).toHaveLength(TOTAL);
      expect(lines[0]).toBe("line 1");
      expect(lines[9]).toBe("[stderr] line 10 ERROR");
      expect(lines[TOTAL - 1]).toBe(`[stderr] ${textOf(TOTAL)}`);
    } finally {
      click.mockRestore();
    }
  });

  it("follows new lines while the run is running", async () => {
    const live = (await api.createRun({ project: "logs-ui", name: "live" })).id;
    await api.call("appendLogs", {
      params: { runId: live },
      body: { lines: [{ stream: "stdout", text: "starting", time: 1 }] },
    });
    renderWithApi(api, <LogsTab runId={live} project="logs-ui" live={true} />);
    await waitFor(() => expect(renderedSeqs()).toEqual([1]));
    await api.call("appendLogs", {
      params: { runId: live },
      body: {
        lines: [
          { stream: "stdout", text: "epoch 1", time: 2 },
          { stream: "stderr", text: "warning: slow", time: 3 },
        ],
      },
    });
    await waitFor(() => expect(renderedSeqs()).toEqual([1, 2, 3]));
    expect(document.querySelector('.log-line[data-seq="3"]')?.classList.contains("log-stderr")).toBe(true);
  });
});
