import { createClient, type LooplabClient } from "@looplab/sdk";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../testing/run-cli.js";
import { keepLogging } from "./dev-seed.js";
import { metricColumns, planRun } from "./dev-seed-data.js";

describe("looplab dev seed", () => {
  let server: RunningServer;
  let client: LooplabClient;
  const cli = (...args: string[]) => runCli(["--url", server.url, ...args]);

  beforeAll(async () => {
    server = await startTestServer();
    client = createClient({ url: server.url });
  });
  afterAll(() => server.close());

  it("is deterministic for a seed and independent of batch boundaries", () => {
    const options = { seed: 7, project: "p", runs: 10, steps: 100, running: 2 };
    expect(planRun(options, 3)).toEqual(planRun(options, 3));
    expect(planRun(options, 3).id).not.toBe(planRun(options, 4).id);
    expect(planRun({ ...options, seed: 8 }, 3).config).not.toEqual(planRun(options, 3).config);
    const plan = planRun(options, 0);
    const whole = metricColumns(plan, 0, 100);
    const parts = [metricColumns(plan, 0, 37), metricColumns(plan, 37, 100)];
    for (const series of whole) {
      const joined = parts.flatMap((p) => p.find((s) => s.key === series.key)?.values ?? []);
      expect(joined).toEqual(series.values);
    }
    expect(planRun(options, 8).status).toBe("running");
    expect(planRun(options, 9).status).toBe("running");
  });

  it("seeds runs with configs, groups, tags, goals, metrics and statuses over the API", async () => {
    const res = await cli(
      "dev",
      "seed",
      "--project",
      "demo",
      "--runs",
      "12",
      "--steps",
      "300",
      "--running",
      "3",
      "--seed",
      "5",
      "--json",
    );
    expect(res.stderr).toContain("seeded 12/12 runs");
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.stdout);
    expect(summary).toMatchObject({ project: "demo", runs: 12, running: 3 });
    expect(summary.points).toBeGreaterThan(12 * 150 * 2);

    const project = await client.call("getProject", { params: { project: "demo" } });
    expect(project.runCount).toBe(12);
    expect(project.metricDefinitions).toContainEqual({ key: "val/acc", goal: "max" });
    const list = await client.searchRuns({ project: "demo", limit: 100, sort: "name" });
    const running = list.runs.filter((r) => r.status === "running");
    expect(running).toHaveLength(3);
    expect(list.runs.every((r) => ["running", "finished", "failed"].includes(r.status))).toBe(true);
    const run = list.runs.find((r) => r.status === "finished");
    if (!run) throw new Error("no finished run");
    expect(run?.config).toMatchObject({ model: { name: expect.any(String) }, optimizer: { lr: expect.any(Number) } });
    expect(run?.group).toBe((run.config.model as { name: string }).name);
    expect(run?.tags.team).toBeDefined();
    expect(Object.keys(run?.metrics ?? {}).sort()).toEqual(["lr", "train/loss", "val/acc", "val/loss"]);
    expect(run?.metrics["train/loss"]?.count).toBe(300);
    expect(run?.metrics["val/acc"]?.best).not.toBeNull();

    // The same seed again changes nothing: ids and batch ids are deterministic.
    const again = await cli(
      "dev",
      "seed",
      "--project",
      "demo",
      "--runs",
      "12",
      "--steps",
      "300",
      "--running",
      "3",
      "--seed",
      "5",
      "--json",
    );
    expect(again.code).toBe(0);
    const after = await client.searchRuns({ project: "demo", limit: 100, sort: "name" });
    expect(after.runs.map((r) => [r.id, r.metrics["train/loss"]?.count])).toEqual(
      list.runs.map((r) => [r.id, r.metrics["train/loss"]?.count]),
    );
  });

  it("keeps logging to running runs until stopped (--live)", async () => {
    const options = { project: "demo", runs: 12, steps: 300, running: 3, seed: 5 };
    const controller = new AbortController();
    const live = keepLogging(client, { ...options, tickMs: 20, stepsPerTick: 5, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 150));
    controller.abort();
    const points = await live;
    expect(points).toBeGreaterThan(0);
    const run = await client.getRun(planRun(options, 11).id);
    expect(run.metrics["train/loss"]?.count).toBeGreaterThan(150);
  });

  it("refuses bad counts with a usage error", async () => {
    const res = await cli("dev", "seed", "--project", "demo", "--runs", "0");
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--runs");
  });
});
