// @vitest-environment jsdom
import { createClient, type LooplabClient } from "@looplab/sdk";
import { cleanup, configure, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ProjectPage } from "../../pages/project-page.js";
import { SweepPage } from "../../pages/sweep-page.js";
import { type RealServer, startRealServer } from "../../testing/real-server.js";
import { renderWithApi } from "../../testing/render-with-api.js";

// uPlot needs a canvas (absent in jsdom); the charts themselves are tested in charts/.
vi.mock("uplot", () => import("../../testing/inert-uplot.js"));
configure({ asyncUtilTimeout: 10_000 });

let server: RealServer;
let client: LooplabClient;
let sweepId: string;

const yaml = `name: web-sweep
project: web-sweeps
command: python train.py --config \${config_file}
space:
  lr: [0.1, 0.01, 0.001]
  depth: [2, 4]
method: grid
objective: { metric: loss, goal: min }
budget: { runs: 6, parallel: 3 }
`;

/** Plays an agent through the API until the sweep has finished (the server's controller proposes). */
async function playSweep(): Promise<void> {
  const { agent } = await client.call("registerAgent", {
    body: { name: "web", host: "h", queues: ["default"], gpus: [], cpuSlots: 8 },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { job } = await client.call("claimJob", {
      params: { agentId: agent.id },
      body: { freeGpus: [], freeCpuSlots: 8, waitMs: 0 },
    });
    if (job) {
      await client.call("startJob", { params: { jobId: job.id }, body: { agentId: agent.id, host: "h" } });
      const loss = (job.config.lr as number) * 10 + (job.config.depth as number);
      await client.logMetrics(job.runId, { points: [{ key: "loss", step: 1, value: loss }] });
      await client.call("finishJob", { params: { jobId: job.id }, body: { agentId: agent.id, outcome: "succeeded" } });
      continue;
    }
    const sweep = await client.call("getSweep", { params: { sweepId } });
    if (sweep.state !== "running") return;
    if (Date.now() > deadline) throw new Error("sweep did not finish");
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  server = await startRealServer();
  client = createClient({ url: server.url });
  const sweep = await client.call("createSweep", { body: { yaml } });
  sweepId = sweep.id;
  await playSweep();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
});

describe("sweep page", () => {
  it("shows progress, the best trial, the curve, parallel coordinates and every trial with its run", async () => {
    renderWithApi(client, <SweepPage sweepId={sweepId} />);
    expect(await screen.findByRole("heading", { level: 1, name: /Sweep web-sweep/ })).toBeTruthy();
    expect(screen.getByText("finished")).toBeTruthy();
    expect(screen.getByText("6 done / 6")).toBeTruthy();
    // Best: lr=0.001, depth=2 → loss 2.01.
    expect(screen.getByText(/loss = 2\.01 \(lr=0\.001, depth=2\)/)).toBeTruthy();
    const table = await screen.findByRole("table");
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(7));
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getAllByRole("cell")[0]?.textContent)).toEqual(["1", "2", "3", "4", "5", "6"]);
    const trials = await client.call("listSweepTrials", { params: { sweepId }, query: { limit: 10 } });
    const link = within(rows[0] as HTMLElement).getByRole("link");
    expect(link.getAttribute("href")).toBe(`/runs/${trials.trials[0]?.runId}`);
    expect(within(rows[0] as HTMLElement).getByText("finished")).toBeTruthy();
    expect(screen.getByLabelText("best so far").querySelector(".uplot-host")).toBeTruthy();
    expect(document.querySelectorAll("svg path, svg polyline").length).toBeGreaterThan(0);
    expect(screen.queryByRole("button", { name: "Cancel sweep" })).toBeNull();
  });

  it("lists the project's sweeps on the project page with a link to each", async () => {
    renderWithApi(client, <ProjectPage project="web-sweeps" />);
    const summary = await screen.findByText("Sweeps (1)");
    const link = within(summary.parentElement as HTMLElement).getByRole("link", { name: "web-sweep" });
    expect(link.getAttribute("href")).toBe(`/sweeps/${sweepId}`);
  });

  it("says so for an unknown sweep", async () => {
    renderWithApi(client, <SweepPage sweepId={"f".repeat(32)} />);
    expect(await screen.findByText(/Could not load the sweep/)).toBeTruthy();
  });
});
