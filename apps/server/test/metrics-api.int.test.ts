import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./http-client.js";

describe.each(storeFactories)("metrics API on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClient>;
  let runId: string;

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
    api = apiClient(server.url);
    runId = (await api.post("/api/v1/runs", { project: "metrics" })).body.id;
  });
  afterAll(() => server.close());

  it("round-trips NaN and ±Infinity", async () => {
    const res = await api.post(`/api/v1/runs/${runId}/metrics`, {
      points: [
        { key: "odd", step: 0, value: "NaN", time: 1 },
        { key: "odd", step: 1, value: "Infinity", time: 2 },
        { key: "odd", step: 2, value: "-Infinity", time: 3 },
        { key: "odd", step: 3, value: 1.5, time: 4 },
      ],
    });
    expect(res.body).toEqual({ stored: 4, duplicateBatch: false });
    const points = await api.get(`/api/v1/runs/${runId}/metrics/points?key=odd`);
    expect(points.body.points.map((p: { value: unknown }) => p.value)).toEqual(["NaN", "Infinity", "-Infinity", 1.5]);
    const series = (await api.get(`/api/v1/runs/${runId}/metrics`)).body.series.find(
      (s: { key: string }) => s.key === "odd",
    );
    expect(series).toMatchObject({ count: 4, nanCount: 1, min: "-Infinity", max: "Infinity", last: 1.5, mean: 1.5 });
  });

  it("stores a columnar batch (series of parallel arrays) beside point objects, whole", async () => {
    const res = await api.post(`/api/v1/runs/${runId}/metrics`, {
      batchId: "columnar-1",
      points: [{ key: "col/a", step: 0, value: 0.5, time: 5 }],
      series: [
        { key: "col/a", steps: [1, 2], values: [0.25, "NaN"], times: [6, 7] },
        { key: "col/b", steps: [0, 1, 2], values: ["-Infinity", 2, 3] },
      ],
    });
    expect(res.body).toEqual({ stored: 6, duplicateBatch: false });
    const a = await api.get(`/api/v1/runs/${runId}/metrics/points?key=col/a`);
    expect(a.body.points).toEqual([
      { step: 0, value: 0.5, time: 5 },
      { step: 1, value: 0.25, time: 6 },
      { step: 2, value: "NaN", time: 7 },
    ]);
    const b = await api.get(`/api/v1/runs/${runId}/metrics/points?key=col/b`);
    expect(b.body.points.map((p: { value: unknown }) => p.value)).toEqual(["-Infinity", 2, 3]);
    // Without times, every point takes the server's clock.
    expect(new Set(b.body.points.map((p: { time: number }) => p.time)).size).toBe(1);
  });

  it("makes a repeated batch id a no-op", async () => {
    const batch = { batchId: "batch-42", points: [{ key: "idem", step: 0, value: 1 }] };
    expect((await api.post(`/api/v1/runs/${runId}/metrics`, batch)).body).toEqual({ stored: 1, duplicateBatch: false });
    expect((await api.post(`/api/v1/runs/${runId}/metrics`, batch)).body).toEqual({ stored: 0, duplicateBatch: true });
    const points = await api.get(`/api/v1/runs/${runId}/metrics/points?key=idem`);
    expect(points.body.points).toHaveLength(1);
  });

  it("keeps several values at one step but drops exact duplicates", async () => {
    await api.post(`/api/v1/runs/${runId}/metrics`, {
      points: [
        { key: "resumed", step: 5, value: 1, time: 10 },
        { key: "resumed", step: 5, value: 2, time: 20 },
        { key: "resumed", step: 5, value: 1, time: 10 },
      ],
    });
    const points = await api.get(`/api/v1/runs/${runId}/metrics/points?key=resumed`);
    expect(points.body.points).toEqual([
      { step: 5, value: 1, time: 10 },
      { step: 5, value: 2, time: 20 },
    ]);
    const summary = (await api.get(`/api/v1/runs/${runId}`)).body.metrics.resumed;
    expect(summary).toMatchObject({ count: 2, last: 2, lastStep: 5 });
  });

  it("downsamples with exact min and max per bucket and pages exact points", async () => {
    const values: number[] = [];
    for (let step = 0; step < 5000; step++) values.push(Math.sin(step / 50) + (step === 3333 ? 100 : 0));
    for (let i = 0; i < values.length; i += 1000) {
      const points = values.slice(i, i + 1000).map((value, j) => ({ key: "wave", step: i + j, value, time: i + j }));
      expect((await api.post(`/api/v1/runs/${runId}/metrics`, { points })).status).toBe(200);
    }
    const window = (await api.get(`/api/v1/runs/${runId}/metrics/window?key=wave&buckets=100`)).body;
    expect(window.sampled).toBe(true);
    expect(window.totalPoints).toBe(5000);
    expect(window.buckets.length).toBeLessThanOrEqual(100);
    for (const bucket of window.buckets) {
      const covered = values.slice(bucket.startStep, bucket.endStep + 1);
      expect(bucket.count).toBe(covered.length);
      expect(bucket.min).toBe(Math.min(...covered));
      expect(bucket.max).toBe(Math.max(...covered));
      expect(bucket.first.value).toBe(covered[0]);
      expect(bucket.last.value).toBe(covered[covered.length - 1]);
    }
    expect(Math.max(...window.buckets.map((b: { max: number }) => b.max))).toBeCloseTo(100 + Math.sin(3333 / 50));
    const zoomed = (
      await api.get(`/api/v1/runs/${runId}/metrics/window?key=wave&buckets=100&startStep=3300&endStep=3350`)
    ).body;
    expect(zoomed.sampled).toBe(false);
    expect(zoomed.buckets).toHaveLength(51);

    let token: string | null = null;
    let total = 0;
    do {
      const query: string = `/api/v1/runs/${runId}/metrics/points?key=wave&limit=1500${token ? `&pageToken=${token}` : ""}`;
      const page = (await api.get(query)).body;
      total += page.points.length;
      token = page.nextPageToken;
    } while (token);
    expect(total).toBe(5000);

    const many = await api.post("/api/v1/metrics/query", {
      series: [
        { runId, key: "wave" },
        { runId, key: "odd" },
      ],
      buckets: 10,
    });
    expect(many.body.series.map((s: { totalPoints: number }) => s.totalPoints)).toEqual([5000, 4]);
  });

  it("exports exact values as CSV and JSON lines", async () => {
    const csv = await api.get(`/api/v1/runs/${runId}/metrics/export?format=csv&keys=odd`);
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split("\n")).toEqual([
      "key,step,value,time",
      "odd,0,NaN,1",
      "odd,1,Infinity,2",
      "odd,2,-Infinity,3",
      "odd,3,1.5,4",
    ]);
    const jsonl = await api.get(`/api/v1/runs/${runId}/metrics/export?format=json&keys=odd`);
    expect(jsonl.text.trim().split("\n")[0]).toBe('{"key":"odd","step":0,"value":"NaN","time":1}');
  });

  describe("bad input", () => {
    it("404 for an unknown run or project", async () => {
      const missing = "0".repeat(32);
      for (const res of [
        await api.get(`/api/v1/runs/${missing}`),
        await api.post(`/api/v1/runs/${missing}/metrics`, { points: [] }),
        await api.get("/api/v1/projects/nope"),
        await api.get("/api/v1/projects/nope/runs"),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe("NOT_FOUND");
      }
    });

    it("400 for malformed JSON, wrong types and bad ids", async () => {
      const malformed = await api.request("POST", `/api/v1/runs/${runId}/metrics`, undefined, '{"points": [');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe("INVALID_ARGUMENT");
      const wrongType = await api.post(`/api/v1/runs/${runId}/metrics`, {
        points: [{ key: "a", step: "one", value: 1 }],
      });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.error.message).toContain("points[0].step");
      expect((await api.get("/api/v1/runs/not-an-id")).status).toBe(400);
    });

    it("400 for empty or over-long keys and non-finite steps, storing nothing of the batch", async () => {
      const cases = [
        { key: "", step: 1, value: 1 },
        { key: "k".repeat(251), step: 1, value: 1 },
        { key: "ok", step: "NaN", value: 1 },
        { key: "ok", step: 1, value: "nan" },
      ];
      for (const bad of cases) {
        const res = await api.post(`/api/v1/runs/${runId}/metrics`, {
          points: [{ key: "half", step: 0, value: 1 }, bad],
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/points\[1\]/);
      }
      const series = (await api.get(`/api/v1/runs/${runId}/metrics`)).body.series.map((s: { key: string }) => s.key);
      expect(series).not.toContain("half");
    });

    it("400 for more points than the batch limit", async () => {
      const points = Array.from({ length: 10_001 }, (_, i) => ({ key: "x", step: i, value: 1 }));
      const res = await api.post(`/api/v1/runs/${runId}/metrics`, { points });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("points");
    });

    it("400 for columnar series with arrays of different lengths or too many points, storing nothing", async () => {
      const cases: [unknown, RegExp][] = [
        [{ key: "c/bad", steps: [1, 2], values: [1] }, /series\[1\]\.values.*same length/],
        [{ key: "c/bad", steps: [1], values: [1], times: [1, 2] }, /series\[1\]\.times.*same length/],
        [{ key: "c/bad", steps: [1], values: ["nan"] }, /series\[1\]\.values\[0\]/],
        [{ key: "c/bad\n", steps: [1], values: [1] }, /series\[1\]\.key.*control/],
        [
          { key: "c/bad", steps: Array.from({ length: 10_000 }, (_, i) => i), values: Array(10_000).fill(0) },
          /at most 10000 points/,
        ],
      ];
      for (const [bad, message] of cases) {
        const res = await api.post(`/api/v1/runs/${runId}/metrics`, {
          series: [{ key: "c/half", steps: [0], values: [1] }, bad],
        });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe("INVALID_ARGUMENT");
        expect(res.body.error.message).toMatch(message);
      }
      const series = (await api.get(`/api/v1/runs/${runId}/metrics`)).body.series.map((s: { key: string }) => s.key);
      expect(series).not.toContain("c/half");
    });

    it("400 with a column for a filter that does not parse", async () => {
      const res = await api.post("/api/v1/runs/search", { project: "metrics", filter: "config.lr < and" });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("INVALID_ARGUMENT");
      expect(res.body.error.details.column).toBeGreaterThan(0);
    });

    it("400 for a page token from another query", async () => {
      const res = await api.get("/api/v1/projects/metrics/runs?pageToken=garbage");
      expect(res.status).toBe(400);
    });
  });
});

describe("body size limit", () => {
  it("413 for a body over the limit", async () => {
    const server = await startTestServer({ bodyLimit: 64 * 1024 });
    try {
      const api = apiClient(server.url);
      const runId = (await api.post("/api/v1/runs", { project: "big" })).body.id;
      const points = Array.from({ length: 5000 }, (_, i) => ({ key: "x", step: i, value: 1 }));
      const res = await api.post(`/api/v1/runs/${runId}/metrics`, { points });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
      expect((await api.get(`/api/v1/runs/${runId}/metrics`)).body.series).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("JSON bodies", () => {
  it("refuses prototype-poisoning keys and empty bodies with 400", async () => {
    const server = await startTestServer();
    try {
      const api = apiClient(server.url);
      const runId = (await api.post("/api/v1/runs", { project: "proto" })).body.id;
      const poisoned = await api.request(
        "PATCH",
        `/api/v1/runs/${runId}`,
        undefined,
        '{"config": {"__proto__": {"x": 1}}}',
      );
      expect(poisoned.status).toBe(400);
      expect(poisoned.body.error.code).toBe("INVALID_ARGUMENT");
      const escaped = await api.request(
        "PATCH",
        `/api/v1/runs/${runId}`,
        undefined,
        '{"config": {"\\u005f_proto__": {"x": 1}}}',
      );
      expect(escaped.status).toBe(400);
      const empty = await api.request("PATCH", `/api/v1/runs/${runId}`, undefined, "");
      expect(empty.status).toBe(400);
      const ok = await api.request("PATCH", `/api/v1/runs/${runId}`, undefined, '{"notes": "caf\\u00e9"}');
      expect(ok.status).toBe(200);
      expect(ok.body.notes).toBe("café");
    } finally {
      await server.close();
    }
  });
});

describe("metric keys", () => {
  it("400 for a control character in any point's key", async () => {
    const server = await startTestServer();
    try {
      const api = apiClient(server.url);
      const runId = (await api.post("/api/v1/runs", { project: "keys" })).body.id;
      const res = await api.post(`/api/v1/runs/${runId}/metrics`, {
        points: [
          { key: "ok", step: 0, value: 1 },
          { key: "ok", step: 1, value: 1 },
          { key: "bad\u0007", step: 1, value: 1 },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("points[2].key");
      expect((await api.get(`/api/v1/runs/${runId}/metrics`)).body.series).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
