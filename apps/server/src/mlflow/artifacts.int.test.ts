import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../start-server.js";
import { startTestServer } from "../testing/test-server.js";
import { createMlflowTestClient, type MlflowTestClient } from "./mlflow-test-client.js";

/** Conformance: artifact proxy (table C) incl. multipart, logged models, server routes (§4.1). */
describe("MLflow artifacts, logged models and server routes", () => {
  let server: RunningServer;
  let ml: MlflowTestClient;
  let exp: string;
  let runId: string;
  let base: string;
  beforeAll(async () => {
    server = await startTestServer();
    ml = createMlflowTestClient(server.url);
    exp = (await ml.post("/experiments/create", { name: "artifacts" })).body.experiment_id as string;
    const run = await ml.post("/runs/create", { experiment_id: exp, start_time: 1 });
    runId = (run.body.run as { info: { run_id: string; artifact_uri: string } }).info.run_id;
    base = `${server.url}/api/2.0/mlflow-artifacts/artifacts/${exp}/${runId}/artifacts`;
  });
  afterAll(async () => await server.close());

  const put = (path: string, body: string | Uint8Array, type = "application/octet-stream") =>
    fetch(`${base}/${path}`, { method: "PUT", headers: { "content-type": type }, body });

  it("log_artifact: PUT raw bodies of any content type, GET them back byte for byte", async () => {
    expect((await put("model.onnx", new Uint8Array([0, 1, 2, 255]))).status).toBe(200);
    // a .json file is bytes, not a request document; a text file keeps its exact text
    expect((await put("conf/params.json", '{"a": [1, 2]}', "application/json")).status).toBe(200);
    expect((await put("conf/notes.txt", "hello\n", "text/plain")).status).toBe(200);
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    expect((await put("data/big.bin", big)).status).toBe(200);
    const onnx = await fetch(`${base}/model.onnx`);
    expect(onnx.status).toBe(200);
    expect([...new Uint8Array(await onnx.arrayBuffer())]).toEqual([0, 1, 2, 255]);
    expect(await (await fetch(`${base}/conf/params.json`)).text()).toBe('{"a": [1, 2]}');
    const gotBig = new Uint8Array(await (await fetch(`${base}/data/big.bin`)).arrayBuffer());
    expect(createHash("sha256").update(gotBig).digest("hex")).toBe(createHash("sha256").update(big).digest("hex"));
    expect((await put("model.onnx", "v2")).status).toBe(200);
    expect(await (await fetch(`${base}/model.onnx`)).text()).toBe("v2");
  });

  it("list_artifacts through the proxy and runs' artifacts/list; missing file → 404", async () => {
    const root = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts?path=${exp}/${runId}/artifacts`);
    const files = ((await root.json()) as { files: { path: string; is_dir: boolean; file_size?: number }[] }).files;
    expect(files).toEqual([
      { path: "conf", is_dir: true },
      { path: "data", is_dir: true },
      { path: "model.onnx", is_dir: false, file_size: 2 },
    ]);
    const sub = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts?path=${exp}/${runId}/artifacts/conf`);
    expect(((await sub.json()) as { files: { path: string }[] }).files.map((f) => f.path)).toEqual([
      "notes.txt",
      "params.json",
    ]);
    const listed = await ml.get("/artifacts/list", { run_id: runId, path: "conf" });
    expect(listed.body.root_uri).toBe(`mlflow-artifacts:/${exp}/${runId}/artifacts`);
    expect((listed.body.files as { path: string }[]).map((f) => f.path)).toEqual([
      "conf/notes.txt",
      "conf/params.json",
    ]);
    const legacy = await fetch(`${server.url}/get-artifact?run_id=${runId}&path=conf/notes.txt`);
    expect(await legacy.text()).toBe("hello\n");
    expect((await fetch(`${server.url}/get-artifact?run_id=${runId}&path=nope`)).status).toBe(404);
    const missing = await fetch(`${base}/nope.bin`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error_code: string }).error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    const badPath = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/abc/def`);
    expect(badPath.status).toBe(400);
  });

  it("DELETE a file and a folder", async () => {
    expect((await fetch(`${base}/conf/notes.txt`, { method: "DELETE" })).status).toBe(200);
    expect((await fetch(`${base}/conf/notes.txt`)).status).toBe(404);
    expect((await fetch(`${base}/data`, { method: "DELETE" })).status).toBe(200);
    expect((await fetch(`${base}/data/big.bin`)).status).toBe(404);
    expect((await fetch(`${base}/data`, { method: "DELETE" })).status).toBe(404);
  });

  it("multipart: create hands out part URLs on this server, complete joins the parts, abort drops them", async () => {
    const mpu = `${server.url}/api/2.0/mlflow-artifacts/mpu`;
    const path = `${exp}/${runId}/artifacts/weights/ckpt.bin`;
    const created = await fetch(`${mpu}/create/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "ckpt.bin", num_parts: 3 }),
    });
    expect(created.status).toBe(200);
    const session = (await created.json()) as {
      upload_id: string;
      credentials: { url: string; part_number: number }[];
    };
    expect(session.credentials.map((c) => c.part_number)).toEqual([1, 2, 3]);
    const chunks = ["first-", "second-", "third"];
    const parts: { part_number: number; etag: string }[] = [];
    for (const c of [...session.credentials].reverse()) {
      const r = await fetch(c.url, { method: "PUT", body: chunks[c.part_number - 1] });
      expect(r.status).toBe(200);
      parts.push({ part_number: c.part_number, etag: r.headers.get("etag") ?? "" });
    }
    const done = await fetch(`${mpu}/complete/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "ckpt.bin", upload_id: session.upload_id, parts }),
    });
    expect(done.status).toBe(200);
    expect(await (await fetch(`${base}/weights/ckpt.bin`)).text()).toBe("first-second-third");

    const other = (await (
      await fetch(`${mpu}/create/${exp}/${runId}/artifacts/x.bin`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ num_parts: 1 }),
      })
    ).json()) as { upload_id: string };
    const aborted = await fetch(`${mpu}/abort/${exp}/${runId}/artifacts/x.bin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ upload_id: other.upload_id }),
    });
    expect(aborted.status).toBe(200);
    const late = await fetch(`${mpu}/complete/${exp}/${runId}/artifacts/x.bin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ upload_id: other.upload_id, parts: [{ part_number: 1 }] }),
    });
    expect(late.status).toBe(404);
  });

  it("the artifacts appear in Looplab's native artifact list of the run", async () => {
    const r = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts`);
    const paths = ((await r.json()) as { artifacts: { path: string }[] }).artifacts.map((a) => a.path);
    expect(paths).toEqual(expect.arrayContaining(["model.onnx", "conf/params.json", "weights/ckpt.bin"]));
  });

  it("logged models: create, get, finalize, tags, params, search, delete", async () => {
    const created = await ml.post("/logged-models", {
      experiment_id: exp,
      name: "net",
      source_run_id: runId,
      params: [{ key: "layers", value: "3" }],
      tags: [{ key: "a", value: "1" }],
    });
    expect(created.status).toBe(200);
    const model = created.body.model as { info: { model_id: string; status: string; artifact_uri: string } };
    const id = model.info.model_id;
    expect(id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model.info.status).toBe("LOGGED_MODEL_PENDING");
    expect(model.info.artifact_uri).toBe(`mlflow-artifacts:/${exp}/${runId}/artifacts/models/${id}`);
    const final = await ml.patch(`/logged-models/${id}`, { model_id: id, status: "LOGGED_MODEL_READY" });
    expect((final.body.model as { info: { status: string } }).info.status).toBe("LOGGED_MODEL_READY");
    expect((await ml.patch(`/logged-models/${id}/tags`, { tags: [{ key: "b", value: "2" }] })).status).toBe(200);
    expect((await ml.delete(`/logged-models/${id}/tags/a`)).status).toBe(200);
    expect((await ml.delete(`/logged-models/${id}/tags/a`)).status).toBe(404);
    expect((await ml.post(`/logged-models/${id}/params`, { params: [{ key: "act", value: "relu" }] })).status).toBe(
      200,
    );
    const got = (await ml.get(`/logged-models/${id}`)).body.model as {
      info: { tags: unknown[] };
      data: { params: unknown[] };
    };
    expect(got.info.tags).toEqual([{ key: "b", value: "2" }]);
    expect(got.data.params).toEqual([
      { key: "layers", value: "3" },
      { key: "act", value: "relu" },
    ]);
    const search = await ml.post("/logged-models/search", { experiment_ids: [exp] });
    expect((search.body.models as unknown[]).length).toBe(1);
    const byName = await ml.post("/logged-models/search", {
      experiment_ids: [exp],
      filter: `name = 'net' AND source_run_id = '${runId}'`,
      max_results: 1,
    });
    expect((byName.body.models as { info: { model_id: string } }[])[0]?.info.model_id).toBe(id);
    const otherName = await ml.post("/logged-models/search", { experiment_ids: [exp], filter: "name = 'model'" });
    expect(otherName.body).toEqual({});
    expect((await ml.post("/logged-models/search", { experiment_ids: [exp], filter: "name ~ 'x'" })).status).toBe(400);
    // download_artifacts asks whether a path is a logged model; an empty answer is fine
    expect((await ml.post("/logged-models/search", {})).body).toEqual({});
    expect((await ml.get(`/logged-models/${id}/artifacts/directories`)).status).toBe(200);
    expect((await ml.delete(`/logged-models/${id}`)).status).toBe(200);
    expect((await ml.get(`/logged-models/${id}`)).status).toBe(404);
    const bad = await ml.patch(`/logged-models/${id}`, { status: "LOGGED_MODEL_READY" });
    expect(bad.status).toBe(404);
  });

  it("server-info, /health, /version; Looplab's /api/v1 keeps its own error shape", async () => {
    for (const prefix of ["/api/3.0", "/ajax-api/3.0"]) {
      const info = await fetch(`${server.url}${prefix}/mlflow/server-info`);
      expect(await info.json()).toEqual({ store_type: "SqlStore", workspaces_enabled: false });
    }
    expect(await (await fetch(`${server.url}/health`)).text()).toBe("OK");
    expect(await (await fetch(`${server.url}/version`)).text()).toMatch(/^3\.11/);
    const native = await fetch(`${server.url}/api/v1/runs/${"0".repeat(32)}`);
    expect(native.status).toBe(404);
    expect(((await native.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });
});
