// @vitest-environment jsdom
import type { LooplabClient } from "@looplab/sdk";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, configure, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiProvider } from "../../api/api-context.js";
import { QueuePage } from "../../pages/queue-page.js";
import { type RealServer, startRealServer, testClient } from "../../testing/real-server.js";

configure({ asyncUtilTimeout: 10_000 });

/**
 * The queue page against a real `looplab server`: an agent with two GPUs holds one running job on
 * GPU 0; other jobs wait in the `default` and `gpu` queues.
 */
let server: RealServer;
let api: LooplabClient;
let agentId: string;
let runningJob: { id: string; runId: string };
let queuedIds: string[];

const gpu = (index: number) => ({
  index,
  uuid: `GPU-${index}`,
  name: "NVIDIA A100-SXM4-40GB",
  memoryTotalMiB: 40960,
  memoryUsedMiB: index === 0 ? 12288 : 0,
  utilizationPercent: index === 0 ? 87 : 0,
});

beforeAll(async () => {
  server = await startRealServer();
  api = testClient(server.url);
  const first = await api.call("enqueueJobs", {
    body: {
      project: "q",
      command: ["python", "train.py", "--config", "$" + "{config_file}"],
      queue: "gpu",
      resources: { gpus: 1 },
    },
  });
  const more = await api.call("enqueueJobs", {
    body: { project: "q", command: "python eval.py", overrides: ["seed=1,2"], queue: "default" },
  });
  queuedIds = more.jobs.map((j) => j.id);
  const registered = await api.call("registerAgent", {
    body: { name: "box-1", host: "gpu-box-1", queues: ["gpu", "default"], gpus: [gpu(0), gpu(1)], cpuSlots: 0 },
  });
  agentId = registered.agent.id;
  const claimed = await api.call("claimJob", {
    params: { agentId },
    body: { freeGpus: [0, 1], freeCpuSlots: 0, waitMs: 0 },
  });
  const job = claimed.job;
  if (!job) throw new Error("the agent claimed nothing");
  expect(job.id).toBe(first.jobs[0]?.id);
  await api.call("startJob", { params: { jobId: job.id }, body: { agentId, host: "gpu-box-1", pid: 4242 } });
  runningJob = { id: job.id, runId: job.runId };
}, 120_000);

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, "", "/");
});

function renderPage(search = "") {
  window.history.replaceState(null, "", `/queue${search}`);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={api}>
        <QueuePage />
      </ApiProvider>
    </QueryClientProvider>,
  );
}

const jobRow = (id: string) => document.querySelector(`tr[data-job-id="${id}"]`) as HTMLElement | null;

describe("queue page against a real server", () => {
  it("shows queues with counts, the agent's GPUs with the job on each, and running jobs", async () => {
    renderPage();
    const queues = await screen.findByRole("table", { name: "queues" });
    await waitFor(() => expect(within(queues).getAllByRole("row")).toHaveLength(3));
    const gpuRow = within(queues).getByRole("button", { name: "gpu" }).closest("tr") as HTMLElement;
    // Columns: name, queued, leased, running, succeeded, failed, cancelled, limit.
    const cells = within(gpuRow)
      .getAllByRole("cell")
      .map((c) => c.textContent);
    expect(cells.slice(1, 7)).toEqual(["0", "0", "1", "0", "0", "0"]);

    const agent = await screen.findByRole("region", { name: "agent box-1" });
    expect(agent.textContent).toContain("gpu-box-1");
    expect(agent.textContent).toContain("online");
    const gpuRows = within(agent).getAllByRole("row").slice(1);
    expect(gpuRows).toHaveLength(2);
    expect(gpuRows[0]?.textContent).toContain("87%");
    expect(gpuRows[0]?.textContent).toContain("12.0 / 40.0 GiB");
    expect(
      within(gpuRows[0] as HTMLElement)
        .getByRole("link")
        .getAttribute("href"),
    ).toBe(`/runs/${runningJob.runId}`);
    expect(gpuRows[1]?.textContent).toContain("free");

    await waitFor(() => expect(jobRow(runningJob.id)).not.toBeNull());
    const row = jobRow(runningJob.id) as HTMLElement;
    expect(row.dataset.state).toBe("running");
    expect(row.textContent).toContain("1 GPU → 0");
    expect(row.textContent).toContain("python train.py --config '$" + "{config_file}'");
  });

  it("reprioritises and cancels queued jobs, then requeues a cancelled one", async () => {
    renderPage("?tab=waiting");
    await waitFor(() => expect(jobRow(queuedIds[0] as string)).not.toBeNull());
    const [a, b] = queuedIds as [string, string];

    fireEvent.click(within(jobRow(a) as HTMLElement).getByTitle("Change priority"));
    const input = screen.getByLabelText(`priority of job ${a.slice(0, 8)}`);
    fireEvent.change(input, { target: { value: "50" } });
    fireEvent.click(within(jobRow(a) as HTMLElement).getByRole("button", { name: "Set" }));
    await waitFor(async () => expect((await api.call("getJob", { params: { jobId: a } })).priority).toBe(50));

    fireEvent.click(within(jobRow(b) as HTMLElement).getByRole("button", { name: "Cancel" }));
    await waitFor(async () => expect((await api.call("getJob", { params: { jobId: b } })).state).toBe("cancelled"));
    await waitFor(() => expect(jobRow(b)).toBeNull());

    fireEvent.click(screen.getByRole("tab", { name: /^Finished/ }));
    expect(new URLSearchParams(window.location.search).get("tab")).toBe("done");
    await waitFor(() => expect(jobRow(b)).not.toBeNull());
    fireEvent.click(within(jobRow(b) as HTMLElement).getByRole("button", { name: "Requeue" }));
    await waitFor(async () => expect((await api.call("getJob", { params: { jobId: b } })).state).toBe("queued"));
  });

  it("asks the agent to stop a running job and shows it as cancelling", async () => {
    renderPage("?tab=active");
    await waitFor(() => expect(jobRow(runningJob.id)).not.toBeNull());
    fireEvent.click(within(jobRow(runningJob.id) as HTMLElement).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(jobRow(runningJob.id)?.textContent).toContain("(cancelling)"));
    const heartbeat = await api.call("agentHeartbeat", { params: { agentId }, body: {} });
    expect(heartbeat.jobs).toEqual([expect.objectContaining({ jobId: runningJob.id, cancelRequested: true })]);
  });

  it("filters by queue from the queue table and sets a concurrency limit", async () => {
    renderPage("?tab=waiting");
    const queues = await screen.findByRole("table", { name: "queues" });
    fireEvent.click(within(queues).getByRole("button", { name: "default" }));
    expect(new URLSearchParams(window.location.search).get("queue")).toBe("default");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Queue: default");

    const defaultRow = within(queues).getByRole("button", { name: "default" }).closest("tr") as HTMLElement;
    fireEvent.click(within(defaultRow).getByRole("button", { name: "none" }));
    const limit = screen.getByLabelText("concurrency limit of default");
    fireEvent.change(limit, { target: { value: "0" } });
    expect(within(defaultRow).getByText(/a whole number/)).toBeTruthy();
    fireEvent.change(limit, { target: { value: "3" } });
    fireEvent.click(within(defaultRow).getByRole("button", { name: "Set" }));
    await waitFor(async () => {
      const list = await api.call("listQueues");
      expect(list.queues.find((q) => q.name === "default")?.concurrencyLimit).toBe(3);
    });
  });
});
