// @vitest-environment jsdom
import { createClient, type LooplabClient } from "@looplab/sdk";
import { cleanup, configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ComparePage } from "../../pages/compare-page.js";
import { RunPage } from "../../pages/run-page.js";
import { startRealServer as startWebTestServer, type RealServer as WebTestServer } from "../../testing/real-server.js";
import { renderWithApi } from "../../testing/render-with-api.js";

// uPlot needs a canvas (absent in jsdom); the charts themselves are tested in charts/.
vi.mock("uplot", () => import("../../testing/inert-uplot.js"));

// A shared 2-core machine: give the real server and React time before failing.
configure({ asyncUtilTimeout: 5_000 });

let server: WebTestServer;
let client: LooplabClient;
let a: string;
let b: string;
const diff = (lr: string) => `--- a/train.py\n+++ b/train.py\n@@ -1,2 +1,2 @@\n import torch\n-lr = 0.1\n+lr = ${lr}\n`;
const git = (lr: string) => ({
  commit: "0123456789abcdef",
  branch: "main",
  remote: "git@github.com:acme/model.git",
  dirty: true,
  diff: diff(lr),
});

beforeAll(async () => {
  server = await startWebTestServer();
  client = createClient({ url: server.url });
  const ra = await client.createRun({
    project: "cmp",
    name: "base",
    config: { lr: 0.1, model: { depth: 18 } },
    git: git("0.01"),
  });
  const rb = await client.createRun({
    project: "cmp",
    name: "cand",
    config: { lr: 0.05, model: { depth: 18 } },
    git: git("0.02"),
  });
  a = ra.id;
  b = rb.id;
  await client.logMetrics(a, {
    series: [
      { key: "val/acc", steps: [0, 1], values: [0.5, 0.8] },
      { key: "loss", steps: [0, 1], values: [1, 0.5] },
    ],
  });
  await client.logMetrics(b, {
    series: [
      { key: "val/acc", steps: [0, 1], values: [0.6, 0.7] },
      { key: "loss", steps: [0, 1], values: [1, 0.4] },
    ],
  });
  await client.putMetricDefinition("cmp", "val/acc", "max");
  await client.putMetricDefinition("cmp", "loss", "min");
}, 120_000);

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
});

describe("compare page against a real server", () => {
  it("shows the config diff, metric deltas by goal and the code difference", async () => {
    window.history.replaceState(null, "", `/projects/cmp/compare?runs=${a},${b}`);
    renderWithApi(client, <ComparePage project="cmp" />);
    const config = await screen.findByRole("table", { name: "config diff" });
    expect(within(config).getByText("lr")).toBeTruthy();
    expect(within(config).queryByText("model.depth")).toBeNull(); // equal: hidden
    fireEvent.click(screen.getByLabelText(/Show all keys/));
    await waitFor(() =>
      expect(within(screen.getByRole("table", { name: "config diff" })).getByText("model.depth")).toBeTruthy(),
    );

    const metrics = screen.getByRole("table", { name: "metric summaries" });
    await waitFor(() => expect(metrics.querySelector(".delta.worse")).not.toBeNull());
    expect(metrics.querySelector(".delta.worse")?.textContent).toContain("-0.1"); // val/acc best 0.7 vs 0.8
    expect(metrics.querySelector(".delta.better")?.textContent).toContain("-0.1"); // loss best 0.4 vs 0.5

    const code = screen.getByRole("region", { name: "diff of uncommitted changes" });
    expect(code.querySelector(".diff-del")?.textContent).toBe("-+lr = 0.01");
    expect(code.querySelector(".diff-add")?.textContent).toBe("++lr = 0.02");
    expect(
      screen
        .getByRole("table", { name: "commits" })
        .querySelector('a[href="https://github.com/acme/model/commit/0123456789abcdef"]'),
    ).not.toBeNull();
  });

  it("switches the reference run through the URL", async () => {
    window.history.replaceState(null, "", `/projects/cmp/compare?runs=${a},${b}&ref=${b}`);
    renderWithApi(client, <ComparePage project="cmp" />);
    const metrics = await screen.findByRole("table", { name: "metric summaries" });
    await waitFor(() => expect(metrics.querySelector(".delta.better")?.textContent).toContain("+0.1")); // val/acc 0.8 vs 0.7
  });
});

describe("run page against a real server", () => {
  it("edits notes as Markdown and adds and removes tags", async () => {
    window.history.replaceState(null, "", `/runs/${a}?tab=notes`);
    renderWithApi(client, <RunPage runId={a} />);
    fireEvent.click(await screen.findByRole("button", { name: "Edit notes" }));
    fireEvent.change(screen.getByLabelText("notes"), { target: { value: "**tuned** <script>x</script>" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(document.querySelector(".markdown strong")?.textContent).toBe("tuned"));
    expect(document.querySelector(".markdown script")).toBeNull();
    expect((await client.getRun(a)).notes).toBe("**tuned** <script>x</script>");

    const input = screen.getByLabelText("add tag");
    fireEvent.change(input, { target: { value: "team=vision" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await screen.findByText("team=vision");
    expect((await client.getRun(a)).tags).toEqual({ team: "vision" });
    fireEvent.click(screen.getByRole("button", { name: "remove tag team" }));
    await waitFor(() => expect(screen.queryByText("team=vision")).toBeNull());
    expect((await client.getRun(a)).tags).toEqual({});
  });

  it("shows the overview with a forge link and the coloured diff", async () => {
    renderWithApi(client, <RunPage runId={b} />);
    const link = await screen.findByRole("link", { name: "GitHub: acme/model" });
    expect(link.getAttribute("href")).toBe("https://github.com/acme/model");
    expect(screen.getByRole("region", { name: "uncommitted diff" }).querySelector(".diff-add")?.textContent).toBe(
      "+lr = 0.02",
    );
  });
});
