import type { LooplabClient } from "@looplab/sdk";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiProvider } from "../../api/api-context.js";
import { navigate } from "../../app/router.js";
import {
  type RecordedCall,
  type RealServer as RunningServer,
  startRealServer,
  testClient,
} from "../../testing/real-server.js";
import { RunsTable } from "./runs-table.js";

/**
 * The runs table against a real `looplab server` (in-memory SQLite) seeded through the SDK:
 * 450 runs, more than two pages of 200, so paging by offset is observable.
 */
const PROJECT = "vision";
const RUNS = 450;
const ROW = 28;
let server: RunningServer;
let calls: RecordedCall[];
let api: LooplabClient;
const ids: string[] = [];

const name = (i: number) => `run-${String(i).padStart(3, "0")}`;

async function inParallel(count: number, width: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

beforeAll(async () => {
  server = await startRealServer();
  const seed = testClient(server.url);
  await inParallel(RUNS, 8, async (i) => {
    const run = await seed.createRun({
      project: PROJECT,
      name: name(i),
      config: {
        lr: [0.1, 0.01, 0.001][i % 3],
        model: i % 2 === 0 ? "resnet" : "vit",
        optimizer: { name: "adam" },
        // Only on the last run by name: never on the first page, so only the server's keys know it.
        ...(i === RUNS - 1 ? { warmup_steps: 500 } : {}),
      },
      tags: { team: i % 2 === 0 ? "a" : "b" },
    });
    ids[i] = run.id;
    await seed.logMetrics(run.id, {
      points: [
        { key: "val/acc", step: 1, value: (i % 10) / 10 },
        { key: "loss", step: 1, value: 1 - (i % 10) / 10 },
      ],
    });
    if (i % 5 === 0) await seed.updateRun(run.id, { status: "finished" });
  });
  await seed.putMetricDefinition(PROJECT, "val/acc", "max");
}, 120_000);

afterAll(async () => server?.close());

const heights = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "clientHeight");
beforeEach(() => {
  calls = [];
  api = testClient(server.url, calls);
  // jsdom has no layout: give the grid's scroll box a laptop-sized viewport.
  Object.defineProperty(HTMLElement.prototype, "clientHeight", {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains("rt-grid") ? 560 : 0;
    },
  });
});
afterEach(() => {
  cleanup();
  if (heights) Object.defineProperty(HTMLElement.prototype, "clientHeight", heights);
});

function renderTable(search: string) {
  navigate(`/projects/${PROJECT}${search}`);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 60_000 } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={api}>
        <RunsTable project={PROJECT} />
      </ApiProvider>
    </QueryClientProvider>,
  );
}

const params = () => new URLSearchParams(window.location.search);
const grid = () => screen.getByRole("grid", { name: "runs" });
const bodyRows = () =>
  within(grid())
    .getAllByRole("row")
    .filter((r) => r.getAttribute("aria-rowindex") !== "1");
const requested = (path: string) => calls.some((c) => c.path.split("?")[0] === path);
const pageOffsets = () =>
  calls
    .filter((c) => c.path === "/api/v1/runs/search" && (c.body as { limit: number }).limit === 200)
    .map((c) => (c.body as { offset: number }).offset);

describe("runs table (real server)", () => {
  it("renders only the visible rows and fetches the page under a far scroll position by offset", async () => {
    renderTable("?sort=name");
    await screen.findByRole("link", { name: name(0) }, { timeout: 10_000 });
    expect(grid().getAttribute("aria-rowcount")).toBe(String(RUNS + 1));
    await screen.findByText(`${RUNS} runs`);
    expect(bodyRows().length).toBeLessThan(60);
    expect(screen.queryByRole("link", { name: name(300) })).toBeNull();

    const scroller = grid().parentElement as HTMLElement;
    act(() => {
      scroller.scrollTop = 420 * ROW;
      fireEvent.scroll(scroller);
    });
    await screen.findByRole("link", { name: name(420) }, { timeout: 10_000 });
    expect(screen.queryByRole("link", { name: name(0) })).toBeNull();
    // Straight to the page holding row 420 (offset 400): the page in between is never fetched.
    expect(pageOffsets()).toContain(400);
    expect(pageOffsets()).not.toContain(200);
  });

  it("sorts by clicking a header and keeps the sort in the URL", async () => {
    renderTable("?sort=name");
    await screen.findByRole("link", { name: name(0) }, { timeout: 10_000 });
    const header = screen.getByRole("columnheader", { name: /name/ });
    expect(header.getAttribute("aria-sort")).toBe("ascending");
    fireEvent.click(within(header).getByRole("button"));
    expect(params().get("sort")).toBe("-name");
    await screen.findByRole("link", { name: name(RUNS - 1) }, { timeout: 10_000 });
    expect(screen.getByRole("columnheader", { name: /name/ }).getAttribute("aria-sort")).toBe("descending");

    const metric = screen.getByRole("columnheader", { name: /val\/acc best/ });
    fireEvent.click(within(metric).getByRole("button"));
    expect(params().get("sort")).toBe("-metrics.val/acc.best");
  });

  it("searches keys in the column picker and adds the column to the URL", async () => {
    renderTable("?sort=name");
    await screen.findByRole("link", { name: name(0) }, { timeout: 10_000 });
    fireEvent.click(screen.getByRole("button", { name: /^Columns/ }));
    const dialog = screen.getByRole("dialog", { name: "choose columns" });
    fireEvent.change(within(dialog).getByRole("searchbox", { name: "search columns" }), { target: { value: "lr" } });
    const option = await within(dialog).findByRole("checkbox", { name: "lr" });
    expect(within(dialog).queryByRole("checkbox", { name: "status" })).toBeNull();
    fireEvent.click(option);
    expect(params().get("cols")?.split(",")).toContain("config.lr");
    await screen.findByRole("columnheader", { name: /^lr/ });
    const firstRow = screen.getByRole("link", { name: name(0) }).closest("tr") as HTMLElement;
    expect(within(firstRow).getByText("0.1")).toBeTruthy();

    // A key that only a run off the loaded page has: listed by the keys endpoint.
    expect(requested(`/api/v1/projects/${PROJECT}/keys`)).toBe(true);
    fireEvent.change(within(dialog).getByRole("searchbox", { name: "search columns" }), {
      target: { value: "warmup" },
    });
    expect(await within(dialog).findByRole("checkbox", { name: "warmup_steps" })).toBeTruthy();
    // No samples of runs are read to build the catalogue: every search is a page of the table.
    const searches = calls.filter((c) => c.path === "/api/v1/runs/search");
    expect(searches.every((c) => (c.body as { sort: string }).sort === "name")).toBe(true);
  });

  it("completes keys and values in the filter box and points at the failing column", async () => {
    renderTable("?sort=name");
    await screen.findByRole("link", { name: name(0) }, { timeout: 10_000 });
    const input = screen.getByRole("combobox", { name: "filter runs" });
    fireEvent.focus(input);
    fireEvent.change(input, { target: { value: "config.mo" } });
    const list = await screen.findByRole("listbox", { name: "filter suggestions" });
    expect(within(list).getByRole("option", { name: /config\.model/ })).toBeTruthy();
    fireEvent.keyDown(input, { key: "Tab" });
    expect((input as HTMLInputElement).value).toBe("config.model ");

    fireEvent.change(input, { target: { value: "config.model = " } });
    await screen.findByRole("option", { name: /"resnet"/ });
    expect(calls.some((c) => c.path.startsWith(`/api/v1/projects/${PROJECT}/keys/values?field=config.model`))).toBe(
      true,
    );
    fireEvent.keyDown(input, { key: "Enter" });
    const alert = screen.getByRole("alert");
    expect(alert.getAttribute("data-column")).toBe("16");
    expect(alert.textContent).toContain("column 16");
    expect(params().get("filter")).toBeNull();

    fireEvent.keyDown(input, { key: "ArrowDown" });
    fireEvent.keyDown(input, { key: "ArrowDown" });
    fireEvent.keyDown(input, { key: "Enter" });
    expect((input as HTMLInputElement).value).toBe('config.model = "vit" ');
    fireEvent.keyDown(input, { key: "Escape" });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(params().get("filter")).toBe('config.model = "vit" ');
    await screen.findByText(`${RUNS / 2} runs`, undefined, { timeout: 10_000 });
    expect(screen.queryByRole("link", { name: name(0) })).toBeNull();

    // Values the loaded rows do not have come from the values endpoint, with its prefix.
    fireEvent.change(input, { target: { value: "config.warmup_steps = 5" } });
    await screen.findByRole("option", { name: "500" }, { timeout: 10_000 });
    expect(calls.some((c) => c.path.includes("field=config.warmup_steps") && c.path.includes("prefix=5"))).toBe(true);
  });

  it("groups runs with count and mean ± std, and expands a group into its runs", async () => {
    renderTable("?sort=name");
    await screen.findByRole("link", { name: name(0) }, { timeout: 10_000 });
    fireEvent.change(screen.getByRole("combobox", { name: "group by" }), { target: { value: "config.model" } });
    expect(params().get("group")).toBe("config.model");
    const resnet = await screen.findByRole("button", { name: "expand group resnet" }, { timeout: 10_000 });
    const header = resnet.closest("tr") as HTMLElement;
    expect(header.getAttribute("aria-expanded")).toBe("false");
    expect(within(header).getByText(String(RUNS / 2))).toBeTruthy();
    // val/acc best over the even runs: values 0, .2, .4, .6, .8 → mean 0.4
    expect(within(header).getByText(/^0\.4 ± 0\.28/)).toBeTruthy();
    const groupCall = calls.find((c) => c.path === `/api/v1/projects/${PROJECT}/runs/groups`);
    expect(groupCall?.body).toMatchObject({
      groupBy: "config.model",
      filter: "",
      metrics: expect.arrayContaining(["metrics.val/acc.best"]),
    });
    expect(screen.queryByRole("link", { name: name(0) })).toBeNull();

    fireEvent.click(resnet);
    expect(JSON.parse(params().get("open") ?? "[]")).toEqual(['"resnet"']);
    await screen.findByRole("link", { name: name(0) }, { timeout: 10_000 });
    expect(screen.queryByRole("link", { name: name(1) })).toBeNull();
    const groupFilter = calls.find(
      (c) => (c.body as { filter?: string } | undefined)?.filter === 'config.model = "resnet"',
    );
    expect(groupFilter).toBeDefined();
  });

  it("selects with checkboxes, shift ranges and the keyboard, and compares the selection", async () => {
    renderTable("?sort=name");
    await screen.findByRole("link", { name: name(0) }, { timeout: 10_000 });
    fireEvent.click(screen.getByRole("checkbox", { name: `select ${name(0)}` }));
    fireEvent.click(screen.getByRole("checkbox", { name: `select ${name(3)}` }), { shiftKey: true });
    expect(params().get("sel")?.split(",")).toEqual([0, 1, 2, 3].map((i) => ids[i]));
    expect(screen.getByText("4 selected")).toBeTruthy();

    const g = grid();
    g.focus();
    fireEvent.keyDown(g, { key: "ArrowDown" });
    fireEvent.keyDown(g, { key: "ArrowDown" });
    const focused = g.querySelector(".is-focused") as HTMLElement;
    expect(within(focused).getByRole("link").textContent).toBe(name(5));
    expect(g.getAttribute("aria-activedescendant")).toBe(focused.id);
    fireEvent.keyDown(g, { key: " " });
    expect(params().get("sel")?.split(",")).toHaveLength(5);
    expect(focused.getAttribute("aria-selected")).toBe("true");

    fireEvent.click(screen.getByRole("button", { name: "Compare" }));
    expect(window.location.pathname).toBe(`/projects/${PROJECT}/compare`);
    expect(params().get("runs")?.split(",")).toEqual([0, 1, 2, 3, 5].map((i) => ids[i]));
  });

  it("opens the focused run with Enter", async () => {
    renderTable("?sort=name");
    await screen.findByRole("link", { name: name(0) }, { timeout: 10_000 });
    const g = grid();
    fireEvent.keyDown(g, { key: "ArrowDown" });
    fireEvent.keyDown(g, { key: "Enter" });
    expect(window.location.pathname).toBe(`/runs/${ids[1]}`);
  });

  it("tags selected runs in bulk", async () => {
    renderTable("?sort=name");
    await screen.findByRole("link", { name: name(0) }, { timeout: 10_000 });
    fireEvent.click(screen.getByRole("checkbox", { name: `select ${name(0)}` }));
    fireEvent.click(screen.getByRole("checkbox", { name: `select ${name(1)}` }));
    fireEvent.change(screen.getByRole("textbox", { name: "tags for selected runs" }), { target: { value: "keep" } });
    fireEvent.click(screen.getByRole("button", { name: "Add tags" }));
    await screen.findByText(/Tagged 2 of 2 runs/, undefined, { timeout: 10_000 });
    expect(calls.find((c) => c.path === "/api/v1/runs/bulk")?.body).toEqual({
      runIds: [ids[0], ids[1]],
      action: "addTags",
      tags: ["keep"],
    });
    const run0 = await api.getRun(ids[0] as string);
    expect(run0.tags).toHaveProperty("keep", "");
    const run2 = await api.getRun(ids[2] as string);
    expect(run2.tags).not.toHaveProperty("keep");
  });

  it("restores filter, sort, columns and grouping from a shared URL", async () => {
    const search = new URLSearchParams({
      filter: "config.lr = 0.01",
      sort: "-metrics.val/acc.best",
      cols: "name,config.lr,metrics.val/acc.best",
      group: "tags.team",
    });
    renderTable(`?${search}`);
    expect((screen.getByRole("combobox", { name: "filter runs" }) as HTMLInputElement).value).toBe("config.lr = 0.01");
    expect((screen.getByRole("combobox", { name: "group by" }) as HTMLSelectElement).value).toBe("tags.team");
    const headers = screen.getAllByRole("columnheader").map((h) => h.textContent);
    expect(headers.slice(1).map((h) => h?.replace(/[▲▼]/g, ""))).toEqual(["name", "lr", "val/acc best"]);
    expect(screen.getByRole("columnheader", { name: /val\/acc best/ }).getAttribute("aria-sort")).toBe("descending");
    await screen.findByRole("button", { name: "expand group a" }, { timeout: 10_000 });
    expect(screen.getByText(`${RUNS / 3} runs`, { exact: false })).toBeTruthy();
  });
  it("saves, lists, applies and deletes views on the server", async () => {
    renderTable("?sort=-name&filter=config.lr+%3D+0.1&cols=name,config.lr");
    await screen.findByText(`${RUNS / 3} runs`, undefined, { timeout: 10_000 });
    fireEvent.click(screen.getByRole("button", { name: /^Views/ }));
    const menu = screen.getByRole("dialog", { name: "saved views" });
    await within(menu).findByText("No saved views yet.", undefined, { timeout: 10_000 });
    fireEvent.change(within(menu).getByRole("textbox", { name: "view name" }), { target: { value: "fast lr" } });
    fireEvent.click(within(menu).getByRole("button", { name: "Save" }));
    const apply = await within(menu).findByRole("button", { name: "fast lr" }, { timeout: 10_000 });

    const stored = await api.call("listViews", { params: { project: PROJECT } });
    expect(stored.views.map((v) => v.name)).toEqual(["fast lr"]);
    expect(stored.views[0]?.state).toEqual({ sort: "-name", filter: "config.lr = 0.1", cols: "name,config.lr" });

    act(() => navigate(`/projects/${PROJECT}`));
    expect(params().get("filter")).toBeNull();
    fireEvent.click(apply);
    expect(params().get("filter")).toBe("config.lr = 0.1");
    expect(params().get("sort")).toBe("-name");
    expect(params().get("cols")).toBe("name,config.lr");

    fireEvent.click(screen.getByRole("button", { name: /^Views/ }));
    fireEvent.click(screen.getByRole("button", { name: "delete view fast lr" }));
    await screen.findByText("No saved views yet.", undefined, { timeout: 10_000 });
    expect((await api.call("listViews", { params: { project: PROJECT } })).views).toEqual([]);
  });

  it("shows the server's error when saving a view fails, instead of swallowing it", async () => {
    renderTable("?sort=name");
    fireEvent.click(screen.getByRole("button", { name: /^Views/ }));
    const menu = screen.getByRole("dialog", { name: "saved views" });
    fireEvent.change(within(menu).getByRole("textbox", { name: "view name" }), {
      target: { value: "bad\u0001name" },
    });
    fireEvent.click(within(menu).getByRole("button", { name: "Save" }));
    const alert = await within(menu).findByRole("alert", undefined, { timeout: 10_000 });
    expect(alert.textContent).toMatch(/^Could not save the view: /);
    // The server refused it (400): the request was sent, and its answer shown.
    expect(calls.some((c) => c.method === "PUT" && c.path.startsWith(`/api/v1/projects/${PROJECT}/views/`))).toBe(true);
  });

  it("deletes all runs matching the filter through the bulk endpoint", async () => {
    const seed = testClient(server.url);
    const doomed = await Promise.all(
      [1, 2, 3].map((n) => seed.createRun({ project: PROJECT, name: `zz-bulk-${n}`, tags: { bulk: "yes" } })),
    );
    const confirm = window.confirm;
    window.confirm = () => true;
    try {
      renderTable(`?sort=name&filter=${encodeURIComponent('tags.bulk = "yes"')}`);
      await screen.findByRole("link", { name: "zz-bulk-3" }, { timeout: 10_000 });
      fireEvent.click(screen.getByRole("checkbox", { name: "select all matching runs" }));
      fireEvent.click(screen.getByRole("checkbox", { name: "select zz-bulk-2" }));
      fireEvent.click(screen.getByRole("button", { name: "Delete" }));
      await screen.findByText("Deleted 2 of 2 runs", undefined, { timeout: 10_000 });
    } finally {
      window.confirm = confirm;
    }
    const bulk = calls.find((c) => c.path === "/api/v1/runs/bulk");
    expect(bulk?.body).toEqual({
      project: PROJECT,
      filter: `(tags.bulk = "yes") and id not in ("${doomed[1]?.id}")`,
      action: "delete",
    });
    const [first, second, third] = await Promise.all(doomed.map((r) => api.getRun(r.id)));
    expect(first?.deletedAt).not.toBeNull();
    expect(second?.deletedAt).toBeNull();
    expect(third?.deletedAt).not.toBeNull();
    // The table follows: only the kept run is left.
    await screen.findByText("1 runs", undefined, { timeout: 10_000 });
    expect(screen.queryByRole("link", { name: "zz-bulk-1" })).toBeNull();
    await seed.call("bulkRuns", { body: { runIds: [doomed[1]?.id as string], action: "delete" } });
  });

  it("updates rows live from the event stream, without any user action", async () => {
    const seed = testClient(server.url);
    renderTable("?sort=name");
    const link = await screen.findByRole("link", { name: name(7) }, { timeout: 10_000 });
    await screen.findByText("live", undefined, { timeout: 10_000 });
    const row = () => screen.getByRole("link", { name: name(7) }).closest("tr") as HTMLElement;
    expect(within(link.closest("tr") as HTMLElement).getByText("running")).toBeTruthy();
    const cell = (column: RegExp) => {
      const headers = screen.getAllByRole("columnheader");
      const index = headers.findIndex((h) => column.test(h.textContent ?? ""));
      return within(row()).getAllByRole("cell")[index] as HTMLElement;
    };
    expect(cell(/val\/acc best/).textContent).toBe("0.7");
    const pagesBefore = pageOffsets().length;

    await seed.updateRun(ids[7] as string, { status: "failed", tags: { live: "" } });
    await waitFor(() => expect(within(row()).getByText("failed")).toBeTruthy(), { timeout: 5_000 });
    expect(within(row()).getByText("live")).toBeTruthy();
    // Patched in place: no page was refetched for a change that does not move rows.
    expect(pageOffsets().length).toBe(pagesBefore);

    await seed.logMetrics(ids[7] as string, { points: [{ key: "val/acc", step: 2, value: 0.95 }] });
    await waitFor(() => expect(cell(/val\/acc best/).textContent).toBe("0.95"), { timeout: 5_000 });
    expect(pageOffsets().length).toBeGreaterThan(pagesBefore);
  });
});
