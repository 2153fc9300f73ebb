import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../start-server.js";
import { startTestServer } from "../testing/test-server.js";
import { createMlflowTestClient, type MlflowTestClient } from "./mlflow-test-client.js";

/** Conformance: log-batch limits, NaN/Inf, history paging, runs/search grammar (MLFLOW-API.md §5, §6). */
describe("MLflow metrics and search", () => {
  let server: RunningServer;
  let ml: MlflowTestClient;
  let exp: string;
  beforeAll(async () => {
    server = await startTestServer();
    ml = createMlflowTestClient(server.url);
    exp = (await ml.post("/experiments/create", { name: "metrics" })).body.experiment_id as string;
  });
  afterAll(async () => await server.close());

  const newRun = async (name: string, start: number, experimentId = exp) => {
    const r = await ml.post("/runs/create", { experiment_id: experimentId, run_name: name, start_time: start });
    return (r.body.run as { info: { run_id: string } }).info.run_id;
  };
  const metric = (key: string, value: unknown, step: number) => ({ key, value, timestamp: 1000 + step, step });

  it("log-batch enforces MLflow's limits and duplicate param keys", async () => {
    const id = await newRun("limits", 1);
    const metrics = (n: number) => Array.from({ length: n }, (_, i) => metric("m", i, i));
    const kv = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: "v" }));
    const cases: [Record<string, unknown>, string][] = [
      [{ metrics: metrics(1001) }, "at most 1000 metrics"],
      [{ params: kv(101) }, "at most 100 params"],
      [{ tags: kv(101) }, "at most 100 tags"],
      [{ metrics: metrics(900), params: kv(100), tags: kv(1) }, "in total"],
      [
        {
          params: [
            { key: "d", value: "1" },
            { key: "d", value: "2" },
          ],
        },
        "Duplicate parameter keys",
      ],
    ];
    for (const [body, message] of cases) {
      const r = await ml.post("/runs/log-batch", { run_id: id, ...body });
      expect([r.status, r.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
      expect(r.body.message).toContain(message);
    }
    const ok = await ml.post("/runs/log-batch", { run_id: id, metrics: metrics(1000) });
    expect(ok.status).toBe(200);
    const whole = await ml.post("/runs/log-batch", { run_id: id, metrics: metrics(900), params: kv(50), tags: kv(50) });
    expect(whole.status).toBe(200);
  });

  it("log-batch of interleaved keys: each key's history holds exactly its points, a missing step is 0", async () => {
    const id = await newRun("interleaved", 4);
    const metrics: Record<string, unknown>[] = [];
    for (let step = 0; step < 300; step++) {
      for (const key of ["x", "y", "z"]) metrics.push(metric(key, step * 10 + key.charCodeAt(0), step));
    }
    metrics.push({ key: "w", value: 0.25, timestamp: 77 });
    expect((await ml.post("/runs/log-batch", { run_id: id, metrics })).status).toBe(200);
    for (const key of ["x", "y", "z"]) {
      const history = await ml.get("/metrics/get-history", { run_id: id, metric_key: key, max_results: "120" });
      const pages = [history.body];
      let token = history.body.next_page_token as string | undefined;
      while (token) {
        const next = await ml.get("/metrics/get-history", {
          run_id: id,
          metric_key: key,
          max_results: "120",
          page_token: token,
        });
        pages.push(next.body);
        token = next.body.next_page_token as string | undefined;
      }
      expect(pages.length).toBe(3);
      const points = pages.flatMap((p) => p.metrics as unknown[]);
      expect(points).toEqual(
        Array.from({ length: 300 }, (_, step) => ({
          key,
          value: step * 10 + key.charCodeAt(0),
          timestamp: 1000 + step,
          step,
          run_id: id,
        })),
      );
    }
    const w = await ml.get("/metrics/get-history", { run_id: id, metric_key: "w" });
    expect(w.body).toEqual({ metrics: [{ key: "w", value: 0.25, timestamp: 77, step: 0, run_id: id }] });
  });

  it("NaN and ±Infinity in and out; duplicates dropped; latest is the largest step", async () => {
    const id = await newRun("nan", 2);
    const r = await ml.post("/runs/log-batch", {
      run_id: id,
      metrics: [
        metric("a", "NaN", 0),
        metric("b", "Infinity", 0),
        metric("c", "-Infinity", 0),
        metric("d", 1, 5),
        metric("d", 2, 1),
        metric("d", 1, 5),
      ],
    });
    expect(r.status).toBe(200);
    const run = (await ml.get("/runs/get", { run_id: id })).body.run as {
      data: { metrics: { key: string; value: unknown; step: number }[] };
    };
    const byKey = Object.fromEntries(run.data.metrics.map((m) => [m.key, m]));
    expect(byKey.a?.value).toBe("NaN");
    expect(byKey.b?.value).toBe(1.7976931348623157e308);
    expect(byKey.c?.value).toBe(-1.7976931348623157e308);
    expect(byKey.d).toMatchObject({ value: 1, step: 5 });
    const history = await ml.get("/metrics/get-history", { run_id: id, metric_key: "d" });
    expect((history.body.metrics as unknown[]).length).toBe(2);
    const nan = await ml.get("/metrics/get-history", { run_id: id, run_uuid: id, metric_key: "a" });
    expect(nan.body.metrics).toEqual([{ key: "a", value: "NaN", timestamp: 1000, step: 0, run_id: id }]);
    const none = await ml.get("/metrics/get-history", { run_id: id, metric_key: "absent" });
    expect(none.status).toBe(200);
    expect(none.body.metrics).toBeUndefined();
  });

  it("get-history pages: absent max_results gives 25,000 points and a token the client can follow", async () => {
    const id = await newRun("long", 3);
    for (let start = 0; start < 26_000; start += 1000) {
      const metrics = Array.from({ length: 1000 }, (_, i) => metric("loss", 1 / (start + i + 1), start + i));
      expect((await ml.post("/runs/log-batch", { run_id: id, metrics })).status).toBe(200);
    }
    const first = await ml.get("/metrics/get-history", { run_id: id, metric_key: "loss" });
    expect((first.body.metrics as unknown[]).length).toBe(25_000);
    expect(first.body.next_page_token).toBeTypeOf("string");
    const second = await ml.get("/metrics/get-history", {
      run_id: id,
      metric_key: "loss",
      max_results: "25000",
      page_token: first.body.next_page_token as string,
    });
    const rest = second.body.metrics as { step: number }[];
    expect(rest.length).toBe(1000);
    expect(rest[0]?.step).toBe(25_000);
    expect(second.body.next_page_token).toBeUndefined();
    const small = await ml.get("/metrics/get-history", { run_id: id, metric_key: "loss", max_results: "10" });
    expect((small.body.metrics as unknown[]).length).toBe(10);
    const bad = await ml.get("/metrics/get-history", { run_id: id, metric_key: "loss", page_token: "garbage!" });
    expect(bad.status).toBe(400);
    const bulk = await ml.get("/metrics/get-history-bulk-interval", {
      run_ids: [id],
      metric_key: "loss",
      start_step: "100",
      end_step: "199",
      max_results: "10",
    });
    const points = bulk.body.metrics as { step: number; run_id: string }[];
    expect(points.length).toBeGreaterThan(0);
    expect(points.length).toBeLessThanOrEqual(20);
    expect(points.every((p) => p.step >= 100 && p.step <= 199 && p.run_id === id)).toBe(true);
    const noKey = await ml.get("/metrics/get-history", { run_id: id });
    expect(noKey.status).toBe(400);
  });

  describe("runs/search grammar", () => {
    let searchExp: string;
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      searchExp = (await ml.post("/experiments/create", { name: "search" })).body.experiment_id as string;
      const rows = [
        { name: "run1", lr: "1", team: "Alpha", acc: 0.95, my: 2, start: 3000 },
        { name: "run2", lr: "0.5", team: "beta", acc: 0.85, my: 0.5, start: 2000 },
        { name: "run3", lr: "10", team: "alpine", acc: Number.NaN, my: 1, start: 1000 },
        { name: "run4", lr: undefined, team: undefined, acc: undefined, my: undefined, start: 4000 },
      ];
      for (const r of rows) {
        const id = await newRun(r.name, r.start, searchExp);
        ids[r.name] = id;
        await ml.post("/runs/log-batch", {
          run_id: id,
          params: r.lr ? [{ key: "lr", value: r.lr }] : [],
          tags: r.team ? [{ key: "team", value: r.team }] : [],
          metrics:
            r.acc === undefined
              ? []
              : [metric("acc", Number.isNaN(r.acc) ? "NaN" : r.acc, 1), metric("my metric", r.my, 1)],
        });
      }
      await ml.post("/runs/update", { run_id: ids.run4, status: "FINISHED", end_time: 5000 });
    });

    const search = async (filter: string, order_by?: string[], extra: Record<string, unknown> = {}) =>
      await ml.post("/runs/search", { experiment_ids: [searchExp], filter, order_by, ...extra });
    const names = async (filter: string, order_by?: string[]) => {
      const r = await search(filter, order_by);
      expect(r.status).toBe(200);
      return ((r.body.runs ?? []) as { info: { run_name: string } }[]).map((x) => x.info.run_name);
    };

    it("default order is start_time DESC; metrics numeric; params/tags as strings", async () => {
      expect(await names("")).toEqual(["run4", "run1", "run2", "run3"]);
      expect(await names("metrics.acc > 0.9")).toEqual(["run1"]);
      expect(await names("metrics.`my metric` >= 1")).toEqual(["run1", "run3"]);
      expect(await names('metrics."my metric" < 1')).toEqual(["run2"]);
      expect(await names("params.lr = '1' and tags.team = 'Alpha'")).toEqual(["run1"]);
      expect(await names("params.lr = '10'")).toEqual(["run3"]);
      expect(await names("params.lr != '1'")).toEqual(["run2", "run3"]);
      expect(await names("tags.team LIKE 'a%'")).toEqual(["run3"]);
      expect(await names("tags.team ILIKE 'a%'")).toEqual(["run1", "run3"]);
      expect(await names("params.lr IS NULL")).toEqual(["run4"]);
      expect(await names("params.lr IS NOT NULL AND metrics.acc != 0.95")).toEqual(["run2"]);
    });

    it("attributes: run_id IN, run_name, `run name`, status, start_time", async () => {
      expect(await names(`attributes.run_id IN ('${ids.run1}', '${ids.run2}')`)).toEqual(["run1", "run2"]);
      expect(await names(`run_id NOT IN ('${ids.run1}')`)).toEqual(["run4", "run2", "run3"]);
      expect(await names("run_name = 'run1'")).toEqual(["run1"]);
      expect(await names("attributes.`run name` = 'run2'")).toEqual(["run2"]);
      expect(await names("status = 'FINISHED'")).toEqual(["run4"]);
      expect(await names("attributes.status = 'RUNNING' and start_time > 1500")).toEqual(["run1", "run2"]);
    });

    it("order_by: metrics with NaN/missing last both ways, params, attributes", async () => {
      // NaN (run3) and missing (run4) tie last; ties fall back to start_time DESC
      expect(await names("", ["metrics.acc DESC"])).toEqual(["run1", "run2", "run4", "run3"]);
      expect(await names("", ["metrics.acc ASC"])).toEqual(["run2", "run1", "run4", "run3"]);
      expect(await names("", ["params.lr"])).toEqual(["run2", "run1", "run3", "run4"]);
      expect(await names("", ["attributes.start_time ASC"])).toEqual(["run3", "run2", "run1", "run4"]);
      expect(await names("", ["run_name DESC"])).toEqual(["run4", "run3", "run2", "run1"]);
    });

    it("answers whole runs, as runs/get does, whatever the filter and order read", async () => {
      const dataset = { name: "digits", digest: "d1", source_type: "local", source: "{}" };
      const logged = await ml.post("/runs/log-inputs", {
        run_id: ids.run1,
        datasets: [{ tags: [{ key: "mlflow.data.context", value: "train" }], dataset }],
      });
      expect(logged.status).toBe(200);
      const runId = ids.run1 as string;
      const whole = (await ml.get("/runs/get", { run_id: runId })).body.run as {
        data: { metrics: unknown[] };
        inputs: { dataset_inputs: unknown[] };
      };
      expect(whole.data.metrics).toHaveLength(2);
      expect(whole.inputs.dataset_inputs).toHaveLength(1);
      for (const [filter, order_by] of [
        ["run_name = 'run1'", undefined],
        ["params.lr = '1'", ["params.lr"]],
        ["metrics.acc > 0.9", undefined],
        ["dataset.name = 'digits'", undefined],
        ["", ["metrics.acc DESC"]],
      ] as const) {
        const found = await search(filter, order_by ? [...order_by] : undefined, { max_results: 1 });
        expect([filter, (found.body.runs as unknown[] | undefined)?.[0]]).toEqual([filter, whole]);
      }
    });

    it("errors: OR, parentheses, quoted metric value, params compared with >, bad tokens", async () => {
      for (const bad of [
        "metrics.acc > 1 OR metrics.acc < 0",
        "(metrics.acc > 1)",
        "metrics.acc > '1'",
        "params.lr > '1'",
        "attributes.bogus = 'x'",
        "metrics.acc >",
        "tags.team = 'unterminated",
      ]) {
        const r = await search(bad);
        expect([bad, r.status, r.body.error_code]).toEqual([bad, 400, "INVALID_PARAMETER_VALUE"]);
      }
      const or = await search("metrics.acc > 1 or metrics.acc < 0");
      expect(or.body.message).toContain("Invalid clause(s) in filter string: 'or'");
      expect((await search("", ["metrics.acc SIDEWAYS"])).status).toBe(400);
    });

    it("pages with max_results and tokens; limits; empty experiment list; deleted runs by view type", async () => {
      const p1 = await search("", undefined, { max_results: 3 });
      expect((p1.body.runs as unknown[]).length).toBe(3);
      const p2 = await search("", undefined, { max_results: 3, page_token: p1.body.next_page_token });
      expect(((p2.body.runs ?? []) as { info: { run_name: string } }[]).map((r) => r.info.run_name)).toEqual(["run3"]);
      expect(p2.body.next_page_token).toBeUndefined();
      expect((await search("", undefined, { max_results: 0 })).status).toBe(400);
      expect((await search("", undefined, { max_results: 50_001 })).status).toBe(400);
      const empty = await ml.post("/runs/search", { experiment_ids: [] });
      expect([empty.status, empty.body]).toEqual([200, {}]);
      await ml.post("/runs/delete", { run_id: ids.run3 });
      expect(await names("")).toEqual(["run4", "run1", "run2"]);
      const deleted = await search("", undefined, { run_view_type: "DELETED_ONLY" });
      expect((deleted.body.runs as { info: { run_name: string } }[]).map((r) => r.info.run_name)).toEqual(["run3"]);
      const all = await search("", undefined, { run_view_type: "ALL" });
      expect((all.body.runs as unknown[]).length).toBe(4);
      await ml.post("/runs/restore", { run_id: ids.run3 });
    });
  });
});
