// @vitest-environment jsdom
import { createClient, type LooplabClient } from "@looplab/sdk";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, configure, render, screen, waitFor } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiProvider } from "../../api/api-context.js";
import { type RealServer, type RecordedCall, startRealServer, testClient } from "../../testing/real-server.js";
import { ChartGrid } from "./chart-grid.js";

/**
 * uPlot draws on a canvas, which jsdom lacks: this stand-in (the one external edge replaced)
 * records what the panel hands to uPlot. Everything else — SDK, HTTP, server, store — is real.
 */
interface FakePlot {
  opts: {
    series: { label?: string }[];
    bands?: { series: [number, number] }[];
    hooks: Record<string, ((u: unknown) => void)[]>;
  };
  data: (number | null | undefined)[][];
  over: HTMLElement;
  select: { left: number; width: number; top: number; height: number };
}
const plots: FakePlot[] = vi.hoisted(() => []);
vi.mock("uplot", () => ({
  default: class {
    opts: unknown;
    data: unknown;
    over = document.createElement("div");
    select = { left: 0, width: 0, top: 0, height: 0 };
    width: number;
    height: number;
    constructor(opts: { width: number; height: number }, data: unknown) {
      this.opts = opts;
      this.data = data;
      this.width = opts.width;
      this.height = opts.height;
      plots.push(this as unknown as FakePlot);
    }
    setData(data: unknown) {
      this.data = data;
    }
    setSize() {}
    setSelect() {}
    destroy() {
      plots.splice(plots.indexOf(this as unknown as FakePlot), 1);
    }
    /** 1 px = 1 step, so a selection of [left, left + width] zooms to those steps. */
    posToVal(pos: number) {
      return pos;
    }
  },
}));

// A shared 2-core machine: give the real server and React time before failing.
configure({ asyncUtilTimeout: 5_000 });

let server: RealServer;
let client: LooplabClient;
let runA: string;
let runB: string;
const STEPS = 5_000;

beforeAll(async () => {
  server = await startRealServer();
  client = createClient({ url: server.url });
  const a = await client.createRun({ project: "charts", name: "alpha", group: "g1" });
  const b = await client.createRun({ project: "charts", name: "beta", group: "g1" });
  runA = a.id;
  runB = b.id;
  const steps = Array.from({ length: STEPS }, (_, i) => i);
  // alpha: a smooth loss with one spike at step 1234 and one NaN at 4000.
  const loss = steps.map((s) => (s === 1234 ? 999 : s === 4000 ? "NaN" : 1 / (1 + s / 100)));
  for (let i = 0; i < STEPS; i += 2500) {
    await client.logMetrics(runA, {
      series: [{ key: "loss", steps: steps.slice(i, i + 2500), values: loss.slice(i, i + 2500) as number[] }],
    });
  }
  await client.logMetrics(runA, { series: [{ key: "acc", steps: [0, 1, 2], values: [0.1, 0.5, 0.7] }] });
  await client.logMetrics(runB, { series: [{ key: "loss", steps: [0, 10, 20], values: [2, 1, 0.5] }] });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
});

function renderGrid(props: Omit<Parameters<typeof ChartGrid>[0], "project">, api: LooplabClient = client) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={api}>
        <ChartGrid project="charts" {...props} />
      </ApiProvider>
    </QueryClientProvider>,
  );
}

const plotFor = (...labels: string[]) =>
  plots.find((p) => labels.every((label) => p.opts.series.some((s) => s.label === label)));

describe("ChartGrid against a real server", () => {
  it("draws one panel per metric key with bucket min–max bands, so a spike is never hidden", async () => {
    renderGrid({
      runs: [
        { id: runA, name: "alpha" },
        { id: runB, name: "beta" },
      ],
    });
    await screen.findByRole("region", { name: "chart acc" });
    const loss = await screen.findByRole("region", { name: "chart loss" });
    // 600 px wide (no ResizeObserver in jsdom) → 608 buckets for alpha's 5,000 points.
    await waitFor(() => expect(loss.textContent).toMatch(/sampled · 5,003 pts in \d+ buckets/));
    expect(loss.textContent).toContain("1 NaN");
    await waitFor(() => expect(plotFor("alpha", "beta")).toBeDefined());
    const plot = plotFor("alpha", "beta") as FakePlot;
    const alphaAt = plot.opts.series.findIndex((s) => s.label === "alpha");
    expect(plot.opts.bands?.[0]?.series).toEqual([alphaAt - 2, alphaAt - 1]);
    const hi = plot.data[alphaAt - 2] as (number | null | undefined)[];
    const line = plot.data[alphaAt] as (number | null | undefined)[];
    expect(Math.max(...hi.filter((v): v is number => typeof v === "number"))).toBe(999);
    // The NaN sits inside a bucket: the line stays whole, the badge counts it and a mark is drawn.
    expect(line.every((v) => v === undefined || typeof v === "number")).toBe(true);
  });

  it("refetches the zoomed step window and shows exact points", async () => {
    renderGrid({ runs: [{ id: runA, name: "alpha" }], keys: ["loss"] });
    const panel = await screen.findByRole("region", { name: "chart loss" });
    await waitFor(() => expect(panel.textContent).toContain("sampled"));
    await waitFor(() => expect(plotFor("alpha")).toBeDefined());
    const plot = plotFor("alpha") as FakePlot;
    plot.select = { left: 1200, width: 100, top: 0, height: 0 };
    act(() => {
      for (const hook of plot.opts.hooks.setSelect ?? []) hook(plot);
    });
    await waitFor(() => expect(panel.textContent).toContain("exact · 101 pts"));
    const zoomed = plotFor("alpha") as FakePlot;
    const x = zoomed.data[0] as number[];
    expect(x[0]).toBe(1200);
    expect(x[x.length - 1]).toBe(1300);
    const alphaAt = zoomed.opts.series.findIndex((s) => s.label === "alpha");
    expect(zoomed.data[alphaAt]?.[34]).toBe(999); // step 1234, exact
    expect(screen.getByRole("button", { name: "Reset zoom" })).toBeTruthy();
  });

  it("draws mean ± std per group and keeps chart settings in the URL", async () => {
    window.history.replaceState(null, "", "/?smooth=0.5&panels=loss");
    renderGrid({
      runs: [
        { id: runA, name: "alpha", group: "g1" },
        { id: runB, name: "beta", group: "g1" },
      ],
      mode: "groups",
    });
    await waitFor(() => expect(plotFor("g1 (2)")).toBeDefined());
    expect(screen.queryByRole("region", { name: "chart acc" })).toBeNull();
    const plot = plotFor("g1 (2)") as FakePlot;
    expect(plot.opts.series.map((s) => s.label)).toContain("g1 (2) (smoothed)");
    expect((screen.getByLabelText("smoothing") as HTMLInputElement).value).toBe("0.5");
  });

  it("grows a running run's panel live through the project's event stream", async () => {
    const run = await client.createRun({ project: "charts", name: "live" });
    await client.logMetrics(run.id, { series: [{ key: "live", steps: [0, 1], values: [1, 2] }] });
    renderGrid({ runs: [{ id: run.id, name: "live", status: "running" }], keys: ["live"] });
    const panel = await screen.findByRole("region", { name: "chart live" });
    await waitFor(() => expect(panel.textContent).toContain("exact · 2 pts"));
    // Subscribed before the new points arrive.
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Live updates on"));
    await client.logMetrics(run.id, { series: [{ key: "live", steps: [2, 3, 4], values: [3, 4, 5] }] });
    await waitFor(() => expect(panel.textContent).toContain("exact · 5 pts"), { timeout: 12_000 });
  });

  it("ignores other runs' events and refreshes at most once per 2 s however often points arrive", async () => {
    const shown = await client.createRun({ project: "charts", name: "shown" });
    const other = await client.createRun({ project: "charts", name: "other" });
    for (const id of [shown.id, other.id])
      await client.logMetrics(id, { series: [{ key: "live", steps: [0], values: [0] }] });
    const calls: RecordedCall[] = [];
    renderGrid(
      { runs: [{ id: shown.id, name: "shown", status: "running" }], keys: ["live"] },
      testClient(server.url, calls),
    );
    const panel = await screen.findByRole("region", { name: "chart live" });
    await waitFor(() => expect(panel.textContent).toContain("exact · 1 pts"));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Live updates on"));
    const chartCalls = () => calls.filter((c) => c.path === "/api/v1/metrics/query").length;
    // The server coalesces metric events (~250 ms): let those of the points logged above pass.
    await new Promise((r) => setTimeout(r, 600));
    const before = chartCalls();

    // The other run's points reach this page's stream (it is the project's) but refetch nothing.
    await client.logMetrics(other.id, { series: [{ key: "live", steps: [1, 2], values: [1, 2] }] });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(chartCalls()).toBe(before);

    // Four batches ~300 ms apart (each its own event): one refresh at once, one 2 s later.
    for (let step = 1; step <= 4; step++) {
      await client.logMetrics(shown.id, { series: [{ key: "live", steps: [step], values: [step] }] });
      await new Promise((r) => setTimeout(r, 300));
    }
    await waitFor(() => expect(panel.textContent).toContain("exact · 5 pts"), { timeout: 12_000 });
    await new Promise((r) => setTimeout(r, 500));
    expect(chartCalls() - before).toBeGreaterThanOrEqual(1);
    expect(chartCalls() - before).toBeLessThanOrEqual(2);
  });
});
