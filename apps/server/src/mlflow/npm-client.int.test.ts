import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunningServer } from "../start-server.js";
import { startTestServer } from "../testing/test-server.js";

/**
 * The third-party npm package `mlflow` (v2.0.7) as a real client against Looplab, and the
 * runs it logs seen through Looplab's native API. (The package logs every POST body with
 * console.log; that is silenced here. Its setExperimentTag builds a malformed path,
 * `/experimentsset-experiment-tag`, so it is not used.)
 */
interface MlflowClient {
  Experiments: {
    create(a: { name: string }): Promise<{ experiment_id: string }>;
    list(a?: { view_type?: string }): Promise<{ experiments: { name: string; experiment_id: string }[] }>;
    get(a: { experiment_id: string }): Promise<{ experiment: { name: string } }>;
    update(a: { experiment_id: string; new_name: string }): Promise<unknown>;
    delete(a: { experiment_id: string }): Promise<unknown>;
    restore(a: { experiment_id: string }): Promise<unknown>;
  };
  Runs: {
    create(a: { experiment_id: string; user_id?: string; start_time?: number; tags?: unknown[] }): Promise<{
      run: { info: { run_id: string; status: string } };
    }>;
    get(a: { run_id: string }): Promise<{ run: { info: Record<string, unknown>; data: Record<string, unknown[]> } }>;
    logMetric(a: { run_id: string; key: string; value: number; timestamp: number; step?: number }): Promise<unknown>;
    logParameter(a: { run_id: string; key: string; value: string }): Promise<unknown>;
    setTag(a: { run_id: string; key: string; value: string }): Promise<unknown>;
    deleteTag(a: { run_id: string; key: string }): Promise<unknown>;
    logBatch(a: { run_id: string; metrics?: unknown[]; params?: unknown[]; tags?: unknown[] }): Promise<unknown>;
    search(a: {
      experiment_ids: string[];
      filter?: string;
      run_view_type?: string;
      max_results?: number;
      order_by?: string[];
    }): Promise<{ runs?: { info: { run_id: string } }[] }>;
    update(a: { run_id: string; status: string; end_time?: number }): Promise<{ run_info: { status: string } }>;
    delete(a: { run_id: string }): Promise<unknown>;
    restore(a: { run_id: string }): Promise<unknown>;
  };
  Metrics: {
    getHistory(a: { run_id: string; metric_key: string }): Promise<{ metrics?: { step: number; value: unknown }[] }>;
  };
}

const require = createRequire(import.meta.url);
const MLflow = require("mlflow") as new (args: { endpoint: string }) => MlflowClient;

describe("npm package `mlflow` against Looplab", () => {
  let server: RunningServer;
  let client: MlflowClient;
  beforeAll(async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    server = await startTestServer();
    client = new MLflow({ endpoint: server.url });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await server.close();
  });

  it("experiments: create, list, get, update, delete, restore", async () => {
    const { experiment_id } = await client.Experiments.create({ name: "npm-client" });
    expect((await client.Experiments.get({ experiment_id })).experiment.name).toBe("npm-client");
    const { experiments } = await client.Experiments.list();
    expect(experiments.map((e) => e.name)).toEqual(expect.arrayContaining(["Default", "npm-client"]));
    await client.Experiments.update({ experiment_id, new_name: "npm-client-2" });
    expect((await client.Experiments.get({ experiment_id })).experiment.name).toBe("npm-client-2");
    await client.Experiments.delete({ experiment_id });
    const deleted = await client.Experiments.list({ view_type: "DELETED_ONLY" });
    expect(deleted.experiments.map((e) => e.name)).toContain("npm-client-2");
    await client.Experiments.restore({ experiment_id });
    await expect(client.Experiments.get({ experiment_id: "987654" })).rejects.toThrow(/RESOURCE_DOES_NOT_EXIST/);
  });

  it("runs, params, metrics, tags, history and search; visible in Looplab's native API", async () => {
    const { experiment_id } = await client.Experiments.create({ name: "digits" });
    const { run } = await client.Runs.create({ experiment_id, user_id: "ada", start_time: 1_000 });
    const runId = run.info.run_id;
    expect(run.info.status).toBe("RUNNING");
    await client.Runs.logParameter({ run_id: runId, key: "lr", value: "0.003" });
    await client.Runs.setTag({ run_id: runId, key: "team", value: "vision" });
    await client.Runs.setTag({ run_id: runId, key: "tmp", value: "x" });
    await client.Runs.deleteTag({ run_id: runId, key: "tmp" });
    for (let step = 0; step < 50; step++) {
      await client.Runs.logMetric({ run_id: runId, key: "val_acc", value: step / 50, timestamp: 2_000 + step, step });
    }
    await client.Runs.logBatch({
      run_id: runId,
      metrics: [{ key: "loss", value: 0.25, timestamp: 3_000, step: 1 }],
      params: [{ key: "width", value: "256" }],
      tags: [{ key: "stage", value: "dev" }],
    });
    await expect(client.Runs.logParameter({ run_id: runId, key: "lr", value: "0.1" })).rejects.toThrow(
      /INVALID_PARAMETER_VALUE/,
    );
    const history = await client.Metrics.getHistory({ run_id: runId, metric_key: "val_acc" });
    expect(history.metrics?.map((m) => m.step)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const other = (await client.Runs.create({ experiment_id, start_time: 500 })).run.info.run_id;
    await client.Runs.logMetric({ run_id: other, key: "val_acc", value: 0.1, timestamp: 1, step: 0 });
    const found = await client.Runs.search({ experiment_ids: [experiment_id], filter: "metrics.val_acc > 0.9" });
    expect(found.runs?.map((r) => r.info.run_id)).toEqual([runId]);
    const ordered = await client.Runs.search({ experiment_ids: [experiment_id], order_by: ["metrics.val_acc ASC"] });
    expect(ordered.runs?.map((r) => r.info.run_id)).toEqual([other, runId]);
    const ended = await client.Runs.update({ run_id: runId, status: "FINISHED", end_time: 9_000 });
    expect(ended.run_info.status).toBe("FINISHED");
    await client.Runs.delete({ run_id: other });
    const active = await client.Runs.search({ experiment_ids: [experiment_id], run_view_type: "ACTIVE_ONLY" });
    expect(active.runs?.map((r) => r.info.run_id)).toEqual([runId]);
    await client.Runs.restore({ run_id: other });

    // the same run through Looplab's own API: project = experiment, config = params, series = metrics
    const native = (await (await fetch(`${server.url}/api/v1/runs/${runId}`)).json()) as {
      project: string;
      status: string;
      origin: string;
      name: string;
      tags: Record<string, string>;
      config: Record<string, unknown>;
      endedAt: number;
      metrics: Record<string, { count: number; last: number; lastStep: number }>;
    };
    expect(native).toMatchObject({ project: "digits", status: "finished", origin: "mlflow", endedAt: 9_000 });
    expect(native.config).toEqual({ lr: "0.003", width: "256" });
    expect(native.tags).toMatchObject({ team: "vision", stage: "dev" });
    expect(native.tags.tmp).toBeUndefined();
    expect(native.metrics.val_acc).toMatchObject({ count: 50, last: 49 / 50, lastStep: 49 });
    const points = (await (
      await fetch(`${server.url}/api/v1/runs/${runId}/metrics/points?key=val_acc&limit=5`)
    ).json()) as {
      points: { step: number; value: number; time: number }[];
    };
    expect(points.points[0]).toEqual({ step: 0, value: 0, time: 2_000 });
  });
});
