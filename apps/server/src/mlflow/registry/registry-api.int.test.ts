import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../start-server.js";
import { startTestServer } from "../../testing/test-server.js";
import { storeFactories } from "../../testing/test-stores.js";

/** Conformance of MLflow's model registry endpoints (MLFLOW-API.md table B, §5.4, §5.6, §6). */
describe.each(storeFactories)("MLflow model registry API ($name)", (factory) => {
  let server: RunningServer;
  const prefixes = ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"];

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
  });
  afterAll(() => server.close());

  async function call(method: string, path: string, body?: unknown, prefix = "/api/2.0/mlflow") {
    let url = `${server.url}${prefix}${path}`;
    const init: RequestInit = { method };
    if (method === "GET" && body) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
      }
      url += `?${params}`;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "content-type": "application/json" };
    }
    const res = await fetch(url, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function runWithFile(path: string, bytes = randomBytes(500), project = "mlflow-reg") {
    const run = await fetch(`${server.url}/api/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ project }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const digest = createHash("sha256").update(bytes).digest("hex");
    const put = await fetch(
      `${server.url}/api/v1/runs/${run.id}/artifacts/content?path=${encodeURIComponent(path)}&sha256=${digest}`,
      { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: bytes },
    );
    expect(put.status).toBe(201);
    return run.id;
  }

  it("creates, gets, renames, updates and deletes registered models under both prefixes", async () => {
    for (const [i, prefix] of prefixes.entries()) {
      const name = `m-crud-${i}`;
      const created = await call(
        "POST",
        "/registered-models/create",
        { name, description: "first", tags: [{ key: "team", value: "vision" }] },
        prefix,
      );
      expect(created.status).toBe(200);
      expect(created.body.registered_model).toMatchObject({
        name,
        description: "first",
        tags: [{ key: "team", value: "vision" }],
      });
      expect(typeof created.body.registered_model.creation_timestamp).toBe("number");
      expect(created.body.registered_model.latest_versions).toBeUndefined();
      const dup = await call("POST", "/registered-models/create", { name }, prefix);
      expect(dup).toMatchObject({ status: 400, body: { error_code: "RESOURCE_ALREADY_EXISTS" } });
      const updated = await call("PATCH", "/registered-models/update", { name, description: "second" }, prefix);
      expect(updated.body.registered_model.description).toBe("second");
      const renamed = await call("POST", "/registered-models/rename", { name, new_name: `${name}-x` }, prefix);
      expect(renamed.body.registered_model.name).toBe(`${name}-x`);
      expect((await call("GET", "/registered-models/get", { name }, prefix)).status).toBe(404);
      expect((await call("GET", "/registered-models/get", { name: `${name}-x` }, prefix)).status).toBe(200);
      expect((await call("DELETE", "/registered-models/delete", { name: `${name}-x` }, prefix)).body).toEqual({});
      const gone = await call("GET", "/registered-models/get", { name: `${name}-x` }, prefix);
      expect(gone).toMatchObject({ status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST" } });
      // MLflow deletes for good: the name can be registered again.
      expect((await call("POST", "/registered-models/create", { name: `${name}-x` }, prefix)).status).toBe(200);
    }
  });

  it("answers MLflow's errors for missing and malformed fields", async () => {
    const missing = await call("POST", "/registered-models/create", {});
    expect(missing).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    expect(missing.body.message).toContain("'name'");
    const noType = await fetch(`${server.url}/api/2.0/mlflow/registered-models/create`, {
      method: "POST",
      body: JSON.stringify({ name: "x" }),
    });
    expect(noType.status).toBe(400);
    expect((await call("GET", "/model-versions/get", { name: "nope", version: "1" })).status).toBe(404);
    await call("POST", "/registered-models/create", { name: "errs" });
    const badVersion = await call("GET", "/model-versions/get", { name: "errs", version: "one" });
    expect(badVersion).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    const noRun = await call("POST", "/model-versions/create", { name: "errs", source: "s3://bucket/model" });
    expect(noRun).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
    const unknownRun = await call("POST", "/model-versions/create", {
      name: "errs",
      source: `runs:/${"e".repeat(32)}/m`,
    });
    expect(unknownRun).toMatchObject({ status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST" } });
    const badStage = await call("POST", "/model-versions/transition-stage", {
      name: "errs",
      version: "1",
      stage: "Live",
      archive_existing_versions: false,
    });
    expect(badStage.status).toBe(400);
  });

  it("creates versions from runs:/ and mlflow-artifacts:/ sources, numbered per model, with download URIs", async () => {
    const runId = await runWithFile("model/MLmodel");
    await call("POST", "/registered-models/create", { name: "sources" });
    const v1 = await call("POST", "/model-versions/create", {
      name: "sources",
      source: `runs:/${runId}/model`,
      run_id: runId,
      tags: [{ key: "k", value: "v" }],
      description: "d",
    });
    expect(v1.status).toBe(200);
    expect(v1.body.model_version).toMatchObject({
      name: "sources",
      version: "1",
      source: `runs:/${runId}/model`,
      run_id: runId,
      status: "READY",
      current_stage: "None",
      description: "d",
      tags: [{ key: "k", value: "v" }],
    });
    const v2 = await call("POST", "/model-versions/create", {
      name: "sources",
      source: `mlflow-artifacts:/1/${runId}/artifacts/model/MLmodel`,
    });
    expect(v2.body.model_version).toMatchObject({ version: "2", run_id: runId });
    const native = await fetch(`${server.url}/api/v1/models/sources/versions/2`).then((r) => r.json());
    expect(native).toMatchObject({ path: "model/MLmodel", fileCount: 1 });

    const uri = await call("GET", "/model-versions/get-download-uri", { name: "sources", version: "1" });
    expect(uri.body.artifact_uri).toMatch(new RegExp(`^mlflow-artifacts:/\\d+/${runId}/artifacts/model$`));

    const got = await call("GET", "/model-versions/get", { name: "sources", version: "2" });
    expect(got.body.model_version.version).toBe("2");
    const updated = await call("PATCH", "/model-versions/update", { name: "sources", version: "2", description: "x" });
    expect(updated.body.model_version.description).toBe("x");
    await call("POST", "/model-versions/set-tag", { name: "sources", version: "2", key: "a", value: "b" });
    expect(
      (await call("GET", "/model-versions/get", { name: "sources", version: "2" })).body.model_version.tags,
    ).toEqual([{ key: "a", value: "b" }]);
    await call("DELETE", "/model-versions/delete-tag", { name: "sources", version: "2", key: "a" });
    expect((await call("GET", "/model-versions/get", { name: "sources", version: "2" })).body.model_version.tags).toBe(
      undefined,
    );
    await call("POST", "/registered-models/set-tag", { name: "sources", key: "t", value: "1" });
    expect((await call("GET", "/registered-models/get", { name: "sources" })).body.registered_model.tags).toEqual([
      { key: "t", value: "1" },
    ]);
    await call("DELETE", "/registered-models/delete-tag", { name: "sources", key: "t" });
    expect(
      (await call("GET", "/registered-models/get", { name: "sources" })).body.registered_model.tags,
    ).toBeUndefined();

    expect((await call("DELETE", "/model-versions/delete", { name: "sources", version: "2" })).status).toBe(200);
    expect((await call("GET", "/model-versions/get", { name: "sources", version: "2" })).status).toBe(404);
    const v3 = await call("POST", "/model-versions/create", { name: "sources", source: `runs:/${runId}/model` });
    expect(v3.body.model_version.version).toBe("3");
  });

  it("transitions stages, archives existing versions and answers get-latest-versions per stage", async () => {
    const runId = await runWithFile("model.pkl");
    await call("POST", "/registered-models/create", { name: "stages" });
    for (let i = 0; i < 3; i++) {
      await call("POST", "/model-versions/create", { name: "stages", source: `runs:/${runId}/model.pkl` });
    }
    const t = (version: string, stage: string, archive: boolean) =>
      call("POST", "/model-versions/transition-stage", {
        name: "stages",
        version,
        stage,
        archive_existing_versions: archive,
      });
    expect((await t("1", "production", false)).body.model_version.current_stage).toBe("Production");
    await t("2", "Production", false);
    await t("3", "Staging", false);
    await t("3", "Production", true);
    const stages = await Promise.all(
      ["1", "2", "3"].map(
        async (v) =>
          (await call("GET", "/model-versions/get", { name: "stages", version: v })).body.model_version.current_stage,
      ),
    );
    expect(stages).toEqual(["Archived", "Archived", "Production"]);
    const latest = await call("POST", "/registered-models/get-latest-versions", { name: "stages" });
    expect(latest.body.model_versions.map((v: { version: string }) => v.version)).toEqual(["3", "2"]);
    const prod = await call("GET", "/registered-models/get-latest-versions", {
      name: "stages",
      stages: ["Production"],
    });
    expect(prod.body.model_versions).toHaveLength(1);
    const model = await call("GET", "/registered-models/get", { name: "stages" });
    expect(model.body.registered_model.latest_versions.map((v: { current_stage: string }) => v.current_stage)).toEqual([
      "Production",
      "Archived",
    ]);
  });

  it("sets, reads, moves and deletes aliases", async () => {
    const runId = await runWithFile("m.bin");
    await call("POST", "/registered-models/create", { name: "aliased" });
    await call("POST", "/model-versions/create", { name: "aliased", source: `runs:/${runId}/m.bin` });
    await call("POST", "/model-versions/create", { name: "aliased", source: `runs:/${runId}/m.bin` });
    expect(
      (await call("POST", "/registered-models/alias", { name: "aliased", alias: "champion", version: "1" })).body,
    ).toEqual({});
    await call("POST", "/registered-models/alias", { name: "aliased", alias: "champion", version: "2" });
    const got = await call("GET", "/registered-models/alias", { name: "aliased", alias: "champion" });
    expect(got.body.model_version).toMatchObject({ version: "2", aliases: ["champion"] });
    const model = await call("GET", "/registered-models/get", { name: "aliased" });
    expect(model.body.registered_model.aliases).toEqual([{ alias: "champion", version: "2" }]);
    expect((await call("POST", "/registered-models/alias", { name: "aliased", alias: "x", version: "9" })).status).toBe(
      404,
    );
    await call("DELETE", "/registered-models/alias", { name: "aliased", alias: "champion" });
    expect((await call("GET", "/registered-models/alias", { name: "aliased", alias: "champion" })).status).toBe(404);
  });

  it("searches registered models with MLflow's filter, order_by and page tokens", async () => {
    for (const n of ["srch-alpha", "srch-Beta", "srch-gamma"]) {
      await call("POST", "/registered-models/create", { name: n, tags: [{ key: "team", value: n.slice(5) }] });
    }
    const names = (res: { body: { registered_models?: { name: string }[] } }) =>
      (res.body.registered_models ?? []).map((m) => m.name);
    expect(names(await call("GET", "/registered-models/search", { filter: "name LIKE 'srch-%'" }))).toEqual([
      "srch-Beta",
      "srch-alpha",
      "srch-gamma",
    ]);
    expect(names(await call("GET", "/registered-models/search", { filter: "name LIKE 'srch-b%'" }))).toEqual([]);
    expect(names(await call("GET", "/registered-models/search", { filter: "name ILIKE 'srch-b%'" }))).toEqual([
      "srch-Beta",
    ]);
    expect(names(await call("GET", "/registered-models/search", { filter: "name = 'srch-gamma'" }))).toEqual([
      "srch-gamma",
    ]);
    expect(
      names(await call("GET", "/registered-models/search", { filter: "name LIKE 'srch-%' and tags.team = 'alpha'" })),
    ).toEqual(["srch-alpha"]);
    const ordered = await call("GET", "/registered-models/search", {
      filter: "name LIKE 'srch-%'",
      order_by: ["name DESC"],
    });
    expect(names(ordered)).toEqual(["srch-gamma", "srch-alpha", "srch-Beta"]);
    const first = await call("GET", "/registered-models/search", { filter: "name LIKE 'srch-%'", max_results: 2 });
    expect(names(first)).toHaveLength(2);
    expect(first.body.next_page_token).toBe(Buffer.from(JSON.stringify({ offset: 2 })).toString("base64"));
    const second = await call("GET", "/registered-models/search", {
      filter: "name LIKE 'srch-%'",
      max_results: 2,
      page_token: first.body.next_page_token,
    });
    expect(names(second)).toEqual(["srch-gamma"]);
    expect(second.body.next_page_token).toBeUndefined();
    for (const bad of [
      { filter: "name = 'a' or name = 'b'" },
      { filter: "metrics.x > 1" },
      { max_results: 1001 },
      { max_results: 0 },
      { page_token: "%%%" },
      { order_by: ["bogus"] },
    ]) {
      const res = await call("GET", "/registered-models/search", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    }
  });

  it("searches model versions by name, run_id (IN), version_number, source_path and tags", async () => {
    const runA = await runWithFile("a.bin");
    const runB = await runWithFile("b.bin");
    await call("POST", "/registered-models/create", { name: "vsearch" });
    await call("POST", "/model-versions/create", { name: "vsearch", source: `runs:/${runA}/a.bin` });
    await call("POST", "/model-versions/create", {
      name: "vsearch",
      source: `runs:/${runB}/b.bin`,
      tags: [{ key: "env", value: "prod" }],
    });
    const versions = (res: { body: { model_versions?: { version: string }[] } }) =>
      (res.body.model_versions ?? []).map((v) => v.version);
    const search = (filter: string, extra: Record<string, unknown> = {}) =>
      call("GET", "/model-versions/search", { filter, ...extra });
    expect(versions(await search("name = 'vsearch'"))).toEqual(["2", "1"]);
    expect(versions(await search(`run_id = '${runA}'`))).toEqual(["1"]);
    expect(versions(await search(`name = 'vsearch' and run_id IN ('${runA}', '${runB}')`))).toEqual(["2", "1"]);
    expect(versions(await search("name = 'vsearch' and version_number > 1"))).toEqual(["2"]);
    expect(versions(await search("name = 'vsearch' and tags.env = 'prod'"))).toEqual(["2"]);
    expect(versions(await search(`source_path LIKE 'runs:/${runB}/%'`))).toEqual(["2"]);
    const paged = await search("name = 'vsearch'", { max_results: 1, order_by: ["version_number ASC"] });
    expect(versions(paged)).toEqual(["1"]);
    const next = await search("name = 'vsearch'", {
      max_results: 1,
      order_by: ["version_number ASC"],
      page_token: paged.body.next_page_token,
    });
    expect(versions(next)).toEqual(["2"]);
    expect((await search("name = 'vsearch' or name = 'x'")).status).toBe(400);
  });
});
