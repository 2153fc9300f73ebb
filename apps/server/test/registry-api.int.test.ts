import { randomBytes } from "node:crypto";
import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsApi, sha } from "./artifacts-client.js";

describe.each(storeFactories)("model registry API ($name)", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof artifactsApi>;
  const enc = encodeURIComponent;

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
    api = artifactsApi(server.url);
  });
  afterAll(() => server.close());

  async function runWithModel(bytes = randomBytes(2000)) {
    const runId = await api.newRun("registry");
    await api.call("POST", `/api/v1/runs/${runId}/metrics`, {
      points: [
        { key: "val/acc", step: 1, value: 0.5 },
        { key: "val/acc", step: 2, value: 0.93 },
      ],
    });
    expect((await api.upload(runId, "model.onnx", bytes, { type: "model" })).status).toBe(200);
    return { runId, bytes };
  }

  it("creates models with unique names and answers 404/409 clearly", async () => {
    const created = await api.call("POST", "/api/v1/models", {
      name: "digits-mlp",
      description: "MLP",
      tags: { t: "1" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "digits-mlp", description: "MLP", tags: { t: "1" }, versionCount: 0 });
    expect(created.body.latestVersion).toBeNull();
    const dup = await api.call("POST", "/api/v1/models", { name: "digits-mlp" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("ALREADY_EXISTS");
    expect((await api.call("GET", "/api/v1/models/nope")).status).toBe(404);
    expect((await api.call("POST", "/api/v1/models", { name: "" })).status).toBe(400);
  });

  it("registers versions 1, 2… of a run's artifact, pinned by digest, with the run's metrics", async () => {
    await api.call("POST", "/api/v1/models", { name: "versioned" });
    const { runId, bytes } = await runWithModel();
    const v1 = await api.call("POST", "/api/v1/models/versioned/versions", { runId, path: "model.onnx" });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({
      model: "versioned",
      version: 1,
      runId,
      project: "registry",
      path: "model.onnx",
      sha256: sha(bytes),
      size: bytes.length,
      fileCount: 1,
      source: `runs:/${runId}/model.onnx`,
      status: "READY",
      stage: "None",
      metrics: { "val/acc": 0.93 },
    });
    const v2 = await api.call("POST", "/api/v1/models/versioned/versions", {
      runId,
      path: "model.onnx",
      description: "again",
      tags: { k: "v" },
    });
    expect(v2.body).toMatchObject({ version: 2, description: "again", tags: { k: "v" } });

    const missingRun = await api.call("POST", "/api/v1/models/versioned/versions", {
      runId: "f".repeat(32),
      path: "x",
    });
    expect(missingRun.status).toBe(404);
    const missingPath = await api.call("POST", "/api/v1/models/versioned/versions", { runId, path: "nope.bin" });
    expect(missingPath.status).toBe(404);
    expect(missingPath.body.error.message).toContain("nope.bin");
    expect((await api.call("POST", "/api/v1/models/nomodel/versions", { runId, path: "model.onnx" })).status).toBe(404);

    const model = await api.call("GET", "/api/v1/models/versioned");
    expect(model.body).toMatchObject({ versionCount: 2, latestVersion: { version: 2 } });
    const list = await api.call("GET", "/api/v1/models/versioned/versions");
    expect(list.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const ofRun = await api.call("GET", `/api/v1/runs/${runId}/model-versions`);
    expect(ofRun.body.versions.map((v: { model: string; version: number }) => `${v.model}:${v.version}`)).toEqual([
      "versioned:1",
      "versioned:2",
    ]);
  });

  it("registers a folder as one version and serves each file", async () => {
    await api.call("POST", "/api/v1/models", { name: "folder model" });
    const runId = await api.newRun("registry");
    const a = randomBytes(100);
    const b = randomBytes(200);
    await api.upload(runId, "model/MLmodel", a);
    await api.upload(runId, "model/data/weights.bin", b);
    await api.upload(runId, "other.txt", randomBytes(10));
    const v = await api.call("POST", `/api/v1/models/${enc("folder model")}/versions`, { runId, path: "model/" });
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({ path: "model", sha256: null, size: 300, fileCount: 2 });
    const files = await api.call("GET", `/api/v1/models/${enc("folder model")}/versions/1/files?limit=1`);
    expect(files.body.files).toEqual([{ path: "model/MLmodel", sha256: sha(a), size: 100 }]);
    const next = await api.call(
      "GET",
      `/api/v1/models/${enc("folder model")}/versions/1/files?limit=1&pageToken=${enc(files.body.nextPageToken)}`,
    );
    expect(next.body).toEqual({
      files: [{ path: "model/data/weights.bin", sha256: sha(b), size: 200 }],
      nextPageToken: null,
    });
    const noPath = await api.call("GET", `/api/v1/models/${enc("folder model")}/versions/1/content`);
    expect(noPath.status).toBe(400);
    const res = await fetch(
      `${server.url}/api/v1/models/${enc("folder model")}/versions/1/content?path=${enc("model/data/weights.bin")}`,
    );
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(b)).toBe(true);
  });

  it("moves stages with archive_existing_versions and keeps aliases unique per model", async () => {
    await api.call("POST", "/api/v1/models", { name: "staged" });
    const { runId } = await runWithModel();
    for (let i = 0; i < 3; i++) await api.call("POST", "/api/v1/models/staged/versions", { runId, path: "model.onnx" });
    await api.call("PATCH", "/api/v1/models/staged/versions/1", { stage: "Production" });
    await api.call("PATCH", "/api/v1/models/staged/versions/2", { stage: "Production" });
    const v3 = await api.call("PATCH", "/api/v1/models/staged/versions/3", {
      stage: "Production",
      archiveExistingVersions: true,
    });
    expect(v3.body.stage).toBe("Production");
    const stages = (await api.call("GET", "/api/v1/models/staged/versions")).body.versions.map(
      (v: { stage: string }) => v.stage,
    );
    expect(stages).toEqual(["Production", "Archived", "Archived"]);
    expect((await api.call("PATCH", "/api/v1/models/staged/versions/1", { stage: "Live" })).status).toBe(400);

    expect((await api.call("PUT", "/api/v1/models/staged/aliases/champion", { version: 1 })).body.aliases).toEqual([
      "champion",
    ]);
    const moved = await api.call("PUT", "/api/v1/models/staged/aliases/champion", { version: 3 });
    expect(moved.body).toMatchObject({ version: 3, aliases: ["champion"] });
    expect((await api.call("GET", "/api/v1/models/staged/aliases/champion")).body.version).toBe(3);
    expect((await api.call("GET", "/api/v1/models/staged")).body.aliases).toEqual({ champion: 3 });
    expect((await api.call("PUT", "/api/v1/models/staged/aliases/champion", { version: 9 })).status).toBe(404);
    expect((await api.call("PUT", "/api/v1/models/staged/aliases/v2", { version: 1 })).status).toBe(400);
    expect((await api.call("DELETE", "/api/v1/models/staged/aliases/champion")).status).toBe(200);
    expect((await api.call("GET", "/api/v1/models/staged/aliases/champion")).status).toBe(404);
    expect((await api.call("DELETE", "/api/v1/models/staged/versions/2")).status).toBe(200);
    expect((await api.call("GET", "/api/v1/models/staged/versions/2")).status).toBe(404);
    const v4 = await api.call("POST", "/api/v1/models/staged/versions", { runId, path: "model.onnx" });
    expect(v4.body.version).toBe(4);
  });

  it("lists models by name with q and page tokens; renames, soft-deletes and restores", async () => {
    for (const n of ["page-a", "page-b", "page-c"]) await api.call("POST", "/api/v1/models", { name: n });
    const first = await api.call("GET", "/api/v1/models?q=PAGE-&limit=2");
    expect(first.body.models.map((m: { name: string }) => m.name)).toEqual(["page-a", "page-b"]);
    const second = await api.call("GET", `/api/v1/models?q=PAGE-&limit=2&pageToken=${enc(first.body.nextPageToken)}`);
    expect(second.body).toMatchObject({ models: [{ name: "page-c" }], nextPageToken: null });
    expect((await api.call("GET", `/api/v1/models?q=x&pageToken=${enc(first.body.nextPageToken)}`)).status).toBe(400);

    const renamed = await api.call("PATCH", "/api/v1/models/page-c", { newName: "page-z", tags: { a: "1" } });
    expect(renamed.body).toMatchObject({ name: "page-z", tags: { a: "1" } });
    expect((await api.call("PATCH", "/api/v1/models/page-z", { newName: "page-a" })).status).toBe(409);
    expect((await api.call("DELETE", "/api/v1/models/page-z")).status).toBe(200);
    expect((await api.call("GET", "/api/v1/models/page-z")).status).toBe(404);
    expect((await api.call("GET", "/api/v1/models/page-z?includeDeleted=true")).body.deletedAt).toBeGreaterThan(0);
    expect((await api.call("GET", "/api/v1/models?q=page-z")).body.models).toEqual([]);
    expect((await api.call("POST", "/api/v1/models", { name: "page-z" })).status).toBe(409);
    expect((await api.call("POST", "/api/v1/models/page-z/restore")).body.deletedAt).toBeNull();
    expect((await api.call("DELETE", "/api/v1/models/page-z?purge=true")).status).toBe(200);
    expect((await api.call("POST", "/api/v1/models", { name: "page-z" })).status).toBe(201);
  });

  it("keeps a registered version's bytes when its run is purged and GC runs", async () => {
    await api.call("POST", "/api/v1/models", { name: "survivor" });
    const { runId, bytes } = await runWithModel(randomBytes(4096));
    const unregistered = await runWithModel(randomBytes(1024));
    await api.call("POST", "/api/v1/models/survivor/versions", { runId, path: "model.onnx" });
    expect((await api.call("DELETE", `/api/v1/runs/${runId}?purge=true`)).status).toBe(200);
    expect((await api.call("DELETE", `/api/v1/runs/${unregistered.runId}?purge=true`)).status).toBe(200);
    const gc = await api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 0 });
    expect(gc.status).toBe(200);
    expect(gc.body.bytesFreed).toBeGreaterThanOrEqual(1024);

    const version = await api.call("GET", "/api/v1/models/survivor/versions/1");
    expect(version.body).toMatchObject({ runId, project: "registry", sha256: sha(bytes) });
    const res = await fetch(`${server.url}/api/v1/models/survivor/versions/1/content`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-looplab-sha256")).toBe(sha(bytes));
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);

    // Once the version goes, the blob is unreferenced and collected.
    await api.call("DELETE", "/api/v1/models/survivor/versions/1");
    const after = await api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 0 });
    expect(after.body.bytesFreed).toBeGreaterThanOrEqual(4096);
  });
});
