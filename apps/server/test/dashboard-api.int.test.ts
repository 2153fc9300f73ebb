import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "./http-client.js";

/** Keys, values, groups, saved views and bulk actions over HTTP, on every store. */
describe.each(storeFactories)("dashboard API on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClient>;
  const project = "dash";
  const ids: string[] = [];

  const runs = [
    {
      name: "a1",
      group: "resnet",
      config: { model: { name: "resnet", depth: 18 }, lr: 0.1, opt: "sgd" },
      tags: { team: "vision", baseline: "" },
      acc: [0.5, 0.7],
    },
    {
      name: "a2",
      group: "resnet",
      config: { model: { name: "resnet", depth: 50 }, lr: 0.01, opt: "adam" },
      tags: { team: "vision" },
      acc: [0.6, 0.8],
    },
    {
      name: "b1",
      group: "vit",
      config: { model: { name: "vit", depth: 12 }, lr: 0.001, opt: "adam", fp16: true },
      tags: { team: "nlp" },
      acc: [0.4, 0.9],
    },
    { name: "c1", group: null, config: { model: { name: "mlp" }, lr: "auto", opt: null }, tags: {}, acc: [Number.NaN] },
  ];

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
    api = apiClient(server.url);
    for (const r of runs) {
      const res = await api.post("/api/v1/runs", {
        project,
        name: r.name,
        group: r.group,
        config: r.config,
        tags: r.tags,
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
      const points = r.acc.map((v, step) => ({ key: "val/acc", step, value: Number.isNaN(v) ? "NaN" : v }));
      points.push({ key: "train/loss", step: 0, value: 1 });
      expect((await api.post(`/api/v1/runs/${res.body.id}/metrics`, { points })).status).toBe(200);
    }
    await api.put(`/api/v1/projects/${project}/metric-definitions/val%2Facc`, { goal: "max" });
    // A run of another project and a deleted run must not show up.
    await api.post("/api/v1/runs", { project: "other", config: { secret: 1 }, tags: { hidden: "" } });
    const gone = await api.post("/api/v1/runs", { project, config: { deletedOnly: 1 } });
    await api.del(`/api/v1/runs/${gone.body.id}`);
  });
  afterAll(() => server.close());

  it("lists config paths with types, metric keys with goals, tag keys and fields", async () => {
    const res = await api.get(`/api/v1/projects/${project}/keys`);
    expect(res.status).toBe(200);
    expect(res.body.config).toEqual([
      { path: "fp16", types: ["boolean"], runs: 1 },
      { path: "lr", types: ["number", "string"], runs: 4 },
      { path: "model.depth", types: ["number"], runs: 3 },
      { path: "model.name", types: ["string"], runs: 4 },
      { path: "opt", types: ["null", "string"], runs: 4 },
    ]);
    expect(res.body.metrics).toEqual([
      { key: "train/loss", runs: 4 },
      { key: "val/acc", runs: 4, goal: "max" },
    ]);
    expect(res.body.tags).toEqual([
      { key: "baseline", runs: 1 },
      { key: "team", runs: 3 },
    ]);
    expect(res.body.fields.map((f: { name: string }) => f.name)).toContain("status");
    expect(res.body.truncated).toEqual({ config: false, metrics: false, tags: false });
  });

  it("bounds the key lists and filters them by prefix", async () => {
    const res = await api.get(`/api/v1/projects/${project}/keys?limit=2&prefix=model.`);
    expect(res.body.config.map((c: { path: string }) => c.path)).toEqual(["model.depth", "model.name"]);
    expect(res.body.truncated.config).toBe(false);
    const small = await api.get(`/api/v1/projects/${project}/keys?limit=1`);
    expect(small.body.config).toHaveLength(1);
    expect(small.body.truncated).toEqual({ config: true, metrics: true, tags: true });
    expect((await api.get("/api/v1/projects/nope/keys")).status).toBe(404);
  });

  it("lists distinct values with counts, typed, most frequent first", async () => {
    const names = await api.get(`/api/v1/projects/${project}/keys/values?field=config.model.name`);
    expect(names.status).toBe(200);
    expect(names.body.values[0]).toEqual({ value: "resnet", count: 2 });
    expect(names.body.values).toHaveLength(3);
    const prefixed = await api.get(`/api/v1/projects/${project}/keys/values?field=config.model.name&prefix=re`);
    expect(prefixed.body.values).toEqual([{ value: "resnet", count: 2 }]);
    const lr = await api.get(`/api/v1/projects/${project}/keys/values?field=config.lr&limit=2`);
    expect(lr.body.values).toHaveLength(2);
    expect(lr.body.truncated).toBe(true);
    const fp16 = await api.get(`/api/v1/projects/${project}/keys/values?field=config.fp16`);
    expect(fp16.body.values).toEqual([{ value: true, count: 1 }]);
    const team = await api.get(`/api/v1/projects/${project}/keys/values?field=tags.team`);
    expect(team.body.values).toEqual([
      { value: "vision", count: 2 },
      { value: "nlp", count: 1 },
    ]);
    const status = await api.get(`/api/v1/projects/${project}/keys/values?field=status`);
    expect(status.body.values).toEqual([{ value: "running", count: 4 }]);
    const group = await api.get(`/api/v1/projects/${project}/keys/values?field=group`);
    expect(group.body.values).toContainEqual({ value: null, count: 1 });
  });

  it("refuses fields that have no listable values, with a 400", async () => {
    const res = await api.get(`/api/v1/projects/${project}/keys/values?field=metrics.val/acc`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_ARGUMENT");
    const bad = await api.get(`/api/v1/projects/${project}/keys/values?field=config.`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^field:/);
  });

  it("groups runs with count, mean, std, min and max per group", async () => {
    const res = await api.post(`/api/v1/projects/${project}/runs/groups`, {
      groupBy: "config.model.name",
      metrics: ["metrics.val/acc.max", "config.model.depth", "metrics.val/acc"],
    });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    const [resnet, ...rest] = res.body.groups;
    expect(resnet.value).toBe("resnet");
    expect(resnet.count).toBe(2);
    const acc = resnet.fields["metrics.val/acc.max"];
    expect(acc.n).toBe(2);
    expect(acc.mean).toBeCloseTo(0.75, 12);
    expect(acc.std).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(acc).toMatchObject({ min: 0.7, max: 0.8 });
    expect(resnet.fields["config.model.depth"]).toMatchObject({ n: 2, mean: 34, min: 18, max: 50 });
    const mlp = rest.find((g: { value: unknown }) => g.value === "mlp");
    // NaN is no value: the mlp run has no finite last val/acc.
    expect(mlp.fields["metrics.val/acc"]).toEqual({ n: 0, mean: null, std: null, min: null, max: null });
    const vit = rest.find((g: { value: unknown }) => g.value === "vit");
    expect(vit.fields["metrics.val/acc.max"]).toEqual({ n: 1, mean: 0.9, std: null, min: 0.9, max: 0.9 });
  });

  it("puts runs without the group value in a null group and honours the filter", async () => {
    const res = await api.post(`/api/v1/projects/${project}/runs/groups`, {
      groupBy: "tags.team",
      filter: "config.lr < 1",
      metrics: ["config.lr"],
    });
    expect(res.status).toBe(200);
    expect(res.body.groups.map((g: { value: unknown; count: number }) => [g.value, g.count])).toEqual([
      ["vision", 2],
      ["nlp", 1],
    ]);
    const all = await api.post(`/api/v1/projects/${project}/runs/groups`, { groupBy: "group", limit: 2 });
    expect(all.body.total).toBe(3);
    expect(all.body.groups).toHaveLength(2);
    const rest = await api.post(`/api/v1/projects/${project}/runs/groups`, { groupBy: "group", limit: 2, offset: 2 });
    expect(rest.body.groups).toEqual([{ value: null, count: 1, fields: {} }]);
    const bad = await api.post(`/api/v1/projects/${project}/runs/groups`, { groupBy: "group", filter: "lr <" });
    expect(bad.status).toBe(400);
    const text = await api.post(`/api/v1/projects/${project}/runs/groups`, {
      groupBy: "group",
      metrics: ["tags.team"],
    });
    expect(text.status).toBe(400);
  });

  it("saves, lists, replaces and deletes views, 409 on a taken name", async () => {
    const base = `/api/v1/projects/${project}/views`;
    const created = await api.post(base, {
      name: "best runs",
      state: { filter: "metrics.val/acc > 0.5", sort: "-name" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "best runs", state: { sort: "-name" } });
    expect((await api.post(base, { name: "best runs", state: {} })).status).toBe(409);
    const list = await api.get(base);
    expect(list.body.views.map((v: { name: string }) => v.name)).toEqual(["best runs"]);
    const path = `${base}/${encodeURIComponent("best runs")}`;
    const put = await api.put(path, { state: { filter: "" } });
    expect(put.status).toBe(200);
    expect(put.body.state).toEqual({ filter: "" });
    expect(put.body.createdAt).toBe(created.body.createdAt);
    expect((await api.get(path)).body.state).toEqual({ filter: "" });
    expect((await api.put(`${base}/fresh`, { state: { a: "b" } })).status).toBe(200);
    expect((await api.del(path)).status).toBe(200);
    expect((await api.get(path)).status).toBe(404);
    expect((await api.del(path)).status).toBe(404);
    expect((await api.post(base, { name: "x", state: { k: "v".repeat(20_001) } })).status).toBe(400);
    expect((await api.get("/api/v1/projects/nope/views")).status).toBe(404);
  });

  it("adds and removes tags, deletes and restores runs in bulk", async () => {
    const add = await api.post("/api/v1/runs/bulk", {
      runIds: ids.slice(0, 2),
      action: "addTags",
      tags: { reviewed: "yes" },
    });
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ matched: 2, changed: 2 });
    const again = await api.post("/api/v1/runs/bulk", {
      runIds: ids.slice(0, 2),
      action: "addTags",
      tags: { reviewed: "yes" },
    });
    expect(again.body).toMatchObject({ matched: 2, changed: 0 });
    expect((await api.get(`/api/v1/runs/${ids[0]}`)).body.tags).toEqual({
      team: "vision",
      baseline: "",
      reviewed: "yes",
    });

    const byFilter = await api.post("/api/v1/runs/bulk", {
      project,
      filter: 'tags.team = "vision"',
      action: "removeTags",
      tags: ["reviewed", "baseline"],
    });
    expect(byFilter.body).toMatchObject({ matched: 2, changed: 2 });
    expect((await api.get(`/api/v1/runs/${ids[0]}`)).body.tags).toEqual({ team: "vision" });

    const del = await api.post("/api/v1/runs/bulk", { project, filter: 'group = "resnet"', action: "delete" });
    expect(del.body).toMatchObject({ matched: 2, changed: 2 });
    expect((await api.get(`/api/v1/runs/${ids[1]}`)).body.deletedAt).not.toBeNull();
    const keys = await api.get(`/api/v1/projects/${project}/keys`);
    expect(keys.body.config.find((c: { path: string }) => c.path === "model.depth").runs).toBe(1);
    const restore = await api.post("/api/v1/runs/bulk", { project, filter: 'group = "resnet"', action: "restore" });
    expect(restore.body).toMatchObject({ matched: 2, changed: 2 });
    expect((await api.get(`/api/v1/runs/${ids[1]}`)).body.deletedAt).toBeNull();
  });

  it("refuses malformed bulk requests with a 400", async () => {
    const cases = [
      { action: "delete" },
      { runIds: ids, project, action: "delete" },
      { runIds: ids, action: "addTags" },
      { runIds: ids, action: "delete", tags: ["x"] },
      { runIds: [], action: "delete" },
      { project, filter: "name ~", action: "delete" },
    ];
    for (const body of cases) {
      const res = await api.post("/api/v1/runs/bulk", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});
