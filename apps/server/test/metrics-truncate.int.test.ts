import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./http-client.js";

describe.each(storeFactories)("metrics truncation API on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
    api = apiClient(server.url);
  });
  afterAll(() => server.close());

  async function runWithPoints(project: string): Promise<string> {
    const runId = (await api.post("/api/v1/runs", { project })).body.id as string;
    const steps = Array.from({ length: 3000 }, (_, i) => i);
    const res = await api.post(`/api/v1/runs/${runId}/metrics`, {
      series: [
        // Values rise with the step, so min/max/last after truncation are known exactly.
        { key: "loss", steps, values: steps.map((s) => 3000 - s), times: steps.map((s) => 1000 + s) },
        { key: "acc", steps: steps.slice(0, 100), values: steps.slice(0, 100).map((s) => s / 100) },
        { key: "lr", steps: [2500, 2600], values: [0.1, 0.01] },
      ],
    });
    expect(res.body.stored).toBe(3102);
    return runId;
  }

  it("deletes every series' points after the step, keeps summaries exact and removes emptied series", async () => {
    const runId = await runWithPoints("truncate-all");
    const res = await api.post(`/api/v1/runs/${runId}/metrics/truncate`, { afterStep: 1999 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: 1000 + 2 });
    const series = (await api.get(`/api/v1/runs/${runId}/metrics`)).body.series as { key: string }[];
    expect(series.map((s) => s.key).sort()).toEqual(["acc", "loss"]);
    const loss = series.find((s) => s.key === "loss");
    expect(loss).toMatchObject({ count: 2000, min: 1001, max: 3000, last: 1001, lastStep: 1999 });
    const points = await api.get(`/api/v1/runs/${runId}/metrics/points?key=loss&startStep=1990`);
    expect(points.body.points.map((p: { step: number }) => p.step)).toEqual([
      1990, 1991, 1992, 1993, 1994, 1995, 1996, 1997, 1998, 1999,
    ]);
    // Appending after truncation goes on from the cut.
    await api.post(`/api/v1/runs/${runId}/metrics`, { points: [{ key: "loss", step: 2000, value: 5 }] });
    const after = (await api.get(`/api/v1/runs/${runId}`)).body.metrics.loss;
    expect(after).toMatchObject({ count: 2001, last: 5, lastStep: 2000, min: 5 });
  });

  it("truncates only the keys given, and is a no-op past the end", async () => {
    const runId = await runWithPoints("truncate-keys");
    const res = await api.post(`/api/v1/runs/${runId}/metrics/truncate`, { afterStep: 49, keys: ["acc", "nope"] });
    expect(res.body).toEqual({ deleted: 50 });
    const counts = Object.fromEntries(
      ((await api.get(`/api/v1/runs/${runId}/metrics`)).body.series as { key: string; count: number }[]).map((s) => [
        s.key,
        s.count,
      ]),
    );
    expect(counts).toEqual({ acc: 50, loss: 3000, lr: 2 });
    expect((await api.post(`/api/v1/runs/${runId}/metrics/truncate`, { afterStep: 1e9 })).body).toEqual({
      deleted: 0,
    });
  });

  it("refuses bad input with 400 and an unknown run with 404", async () => {
    const runId = (await api.post("/api/v1/runs", { project: "truncate-bad" })).body.id as string;
    const missingStep = await api.post(`/api/v1/runs/${runId}/metrics/truncate`, {});
    expect(missingStep.status).toBe(400);
    expect(missingStep.body.error.code).toBe("INVALID_ARGUMENT");
    const emptyKeys = await api.post(`/api/v1/runs/${runId}/metrics/truncate`, { afterStep: 1, keys: [] });
    expect(emptyKeys.status).toBe(400);
    const unknown = await api.post("/api/v1/runs/ffffffffffffffffffffffffffffffff/metrics/truncate", {
      afterStep: 1,
    });
    expect(unknown.status).toBe(404);
  });
});
