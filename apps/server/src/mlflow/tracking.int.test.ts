import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../start-server.js";
import { startTestServer } from "../testing/test-server.js";
import { postgresFactory, sqliteFactory } from "../testing/test-stores.js";
import { createMlflowTestClient, type MlflowTestClient } from "./mlflow-test-client.js";

/** Conformance: experiments and runs as the official client drives them (MLFLOW-API.md A, §5). */
for (const factory of [sqliteFactory, postgresFactory]) {
  describe(`MLflow tracking (${factory.name})`, () => {
    let server: RunningServer;
    let ml: MlflowTestClient;
    beforeAll(async () => {
      server = await startTestServer({ store: factory });
      ml = createMlflowTestClient(server.url);
    });
    afterAll(async () => await server.close());

    const newRun = async (experimentId: string, extra: Record<string, unknown> = {}) => {
      const r = await ml.post("/runs/create", { experiment_id: experimentId, start_time: 1000, ...extra });
      expect(r.status).toBe(200);
      return (r.body.run as { info: { run_id: string } }).info.run_id;
    };

    it("set_experiment: get-by-name 404, then create; duplicate → 400 RESOURCE_ALREADY_EXISTS", async () => {
      const missing = await ml.get("/experiments/get-by-name", { experiment_name: "digits/v1" });
      expect(missing.status).toBe(404);
      expect(missing.body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
      const created = await ml.post("/experiments/create", { name: "digits/v1", tags: [{ key: "team", value: "a" }] });
      expect(created.status).toBe(200);
      expect(created.body.experiment_id).toMatch(/^[1-9]\d*$/);
      const got = await ml.get("/experiments/get-by-name", { experiment_name: "digits/v1" });
      const exp = got.body.experiment as Record<string, unknown>;
      expect(exp.experiment_id).toBe(created.body.experiment_id);
      expect(exp.lifecycle_stage).toBe("active");
      expect(exp.artifact_location).toBe(`mlflow-artifacts:/${created.body.experiment_id}`);
      expect(exp.tags).toEqual([{ key: "team", value: "a" }]);
      expect(typeof exp.creation_time).toBe("number");
      const dup = await ml.post("/experiments/create", { name: "digits/v1" });
      expect(dup.status).toBe(400);
      expect(dup.body.error_code).toBe("RESOURCE_ALREADY_EXISTS");
    });

    it("experiment errors: missing name, wrong type, unknown id, non-numeric id, no content-type", async () => {
      const noName = await ml.post("/experiments/create", {});
      expect([noName.status, noName.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
      expect(noName.body.message).toContain("Missing value for required parameter 'name'");
      const badType = await ml.post("/experiments/create", { name: 5 });
      expect([badType.status, badType.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
      expect(badType.body.message).toContain("Invalid value 5 for parameter 'name'");
      const unknown = await ml.get("/experiments/get", { experiment_id: "999999" });
      expect([unknown.status, unknown.body.error_code]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
      expect(unknown.body.message).toBe("No Experiment with id=999999 exists");
      const notInt = await ml.get("/experiments/get", { experiment_id: "abc" });
      expect([notInt.status, notInt.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
      const noType = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, { method: "POST", body: "{}" });
      expect(noType.status).toBe(400);
      const malformed = await ml.post("/experiments/create", "{nope");
      expect(malformed.status).toBe(400);
      expect((malformed.body as { error_code: string }).error_code).toBeDefined();
    });

    it("the Default experiment 0 always exists, also under /ajax-api", async () => {
      const ajax = createMlflowTestClient(server.url, "/ajax-api/2.0/mlflow");
      const got = await ajax.get("/experiments/get", { experiment_id: "0" });
      expect(got.status).toBe(200);
      expect((got.body.experiment as { name: string }).name).toBe("Default");
      const runId = await newRun("0");
      expect(runId).toMatch(/^[0-9a-f]{32}$/);
    });

    it("update, set/delete tag, delete and restore experiments; search with filter, order and pages", async () => {
      const ids: string[] = [];
      for (const name of ["s-alpha", "s-beta", "s-gamma"]) {
        ids.push((await ml.post("/experiments/create", { name })).body.experiment_id as string);
      }
      expect((await ml.post("/experiments/update", { experiment_id: ids[2], new_name: "s-delta" })).status).toBe(200);
      expect(
        (await ml.post("/experiments/set-experiment-tag", { experiment_id: ids[0], key: "k", value: "v" })).status,
      ).toBe(200);
      const byTag = await ml.post("/experiments/search", { max_results: 10, filter: "tags.k = 'v'" });
      expect((byTag.body.experiments as { name: string }[]).map((e) => e.name)).toEqual(["s-alpha"]);
      const delTag = await ml.post("/experiments/delete-experiment-tag", { experiment_id: ids[0], key: "k" });
      expect(delTag.status).toBe(200);
      const like = await ml.get("/experiments/search", {
        max_results: "10",
        filter: "name LIKE 's-%'",
        order_by: ["name DESC"],
      });
      expect((like.body.experiments as { name: string }[]).map((e) => e.name)).toEqual([
        "s-delta",
        "s-beta",
        "s-alpha",
      ]);
      const page1 = await ml.post("/experiments/search", {
        max_results: 2,
        filter: "name LIKE 's-%'",
        order_by: ["name ASC"],
      });
      expect((page1.body.experiments as unknown[]).length).toBe(2);
      expect(page1.body.next_page_token).toBeTypeOf("string");
      const page2 = await ml.post("/experiments/search", {
        max_results: 2,
        filter: "name LIKE 's-%'",
        order_by: ["name ASC"],
        page_token: page1.body.next_page_token,
      });
      expect((page2.body.experiments as { name: string }[]).map((e) => e.name)).toEqual(["s-delta"]);
      expect(page2.body.next_page_token).toBeUndefined();
      expect((await ml.post("/experiments/delete", { experiment_id: ids[1] })).status).toBe(200);
      const deleted = await ml.get("/experiments/get", { experiment_id: ids[1] as string });
      expect((deleted.body.experiment as { lifecycle_stage: string }).lifecycle_stage).toBe("deleted");
      const inDeleted = await ml.post("/runs/create", { experiment_id: ids[1] });
      expect([inDeleted.status, inDeleted.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
      const active = await ml.post("/experiments/search", { max_results: 10, filter: "name LIKE 's-%'" });
      expect((active.body.experiments as unknown[]).length).toBe(2);
      const onlyDeleted = await ml.post("/experiments/search", { max_results: 10, view_type: "DELETED_ONLY" });
      expect((onlyDeleted.body.experiments as { name: string }[]).map((e) => e.name)).toContain("s-beta");
      expect((await ml.post("/experiments/restore", { experiment_id: ids[1] })).status).toBe(200);
      const badToken = await ml.post("/experiments/search", { max_results: 10, page_token: "%%%" });
      expect(badToken.status).toBe(400);
      const zero = await ml.post("/experiments/search", { max_results: 0 });
      expect(zero.status).toBe(400);
    });

    it("runs: create as the Python client, get, update status, name, delete and restore", async () => {
      const exp = (await ml.post("/experiments/create", { name: "runs-life" })).body.experiment_id as string;
      const created = await ml.post("/runs/create", {
        experiment_id: exp,
        user_id: "ada",
        start_time: 1700000000000,
        run_name: "mlp",
        tags: [
          { key: "mlflow.user", value: "ada" },
          { key: "mlflow.source.name", value: "train.py" },
          { key: "mlflow.source.type", value: "LOCAL" },
          { key: "mlflow.runName", value: "mlp" },
        ],
      });
      const run = created.body.run as { info: Record<string, unknown>; data: { tags: { key: string }[] } };
      const id = run.info.run_id as string;
      expect(run.info).toMatchObject({
        run_uuid: id,
        run_name: "mlp",
        experiment_id: exp,
        user_id: "ada",
        status: "RUNNING",
        start_time: 1700000000000,
        artifact_uri: `mlflow-artifacts:/${exp}/${id}/artifacts`,
        lifecycle_stage: "active",
      });
      expect(run.info.end_time).toBeUndefined();
      expect(run.data.tags.map((t) => t.key)).toContain("mlflow.source.name");
      const upd = await ml.post("/runs/update", {
        run_id: id,
        run_uuid: id,
        status: "FINISHED",
        end_time: 1700000005000,
      });
      expect(upd.body.run_info).toMatchObject({ status: "FINISHED", end_time: 1700000005000 });
      const ignored = await ml.post("/runs/update", { run_id: id, status: "DONE" });
      expect((ignored.body.run_info as { status: string }).status).toBe("FINISHED");
      const failed = await ml.post("/runs/update", { run_id: id, status: "FAILED" });
      expect((failed.body.run_info as { status: string }).status).toBe("FAILED");
      const renamed = await ml.post("/runs/update", { run_id: id, run_name: "mlp-2" });
      expect((renamed.body.run_info as { run_name: string }).run_name).toBe("mlp-2");
      expect((await ml.post("/runs/delete", { run_id: id })).status).toBe(200);
      const got = await ml.get("/runs/get", { run_id: id });
      expect((got.body.run as { info: { lifecycle_stage: string } }).info.lifecycle_stage).toBe("deleted");
      const write = await ml.post("/runs/set-tag", { run_id: id, key: "a", value: "b" });
      expect([write.status, write.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
      expect((await ml.post("/runs/restore", { run_id: id })).status).toBe(200);
      const unknown = await ml.get("/runs/get", { run_id: "0".repeat(32) });
      expect([unknown.status, unknown.body.error_code]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
      const noExp = await ml.post("/runs/create", {});
      expect([noExp.status, noExp.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
      const missingExp = await ml.post("/runs/create", { experiment_id: "424242" });
      expect([missingExp.status, missingExp.body.error_code]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
      const defaultName = await ml.post("/runs/create", { experiment_id: exp });
      expect((defaultName.body.run as { info: { run_name: string } }).info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    });

    it("params are immutable, tags set/delete, log-metric validation, log-inputs/outputs", async () => {
      const exp = (await ml.post("/experiments/create", { name: "params" })).body.experiment_id as string;
      const id = await newRun(exp);
      expect((await ml.post("/runs/log-parameter", { run_id: id, key: "lr", value: "0.003" })).status).toBe(200);
      expect((await ml.post("/runs/log-parameter", { run_id: id, key: "lr", value: "0.003" })).status).toBe(200);
      const changed = await ml.post("/runs/log-parameter", { run_id: id, key: "lr", value: "0.1" });
      expect([changed.status, changed.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
      expect(changed.body.message).toContain("Changing param values is not allowed");
      expect((await ml.post("/runs/log-parameter", { run_id: id, key: "optim.name", value: "adam" })).status).toBe(200);
      expect((await ml.post("/runs/set-tag", { run_id: id, key: "team", value: "vision" })).status).toBe(200);
      const longTag = await ml.post("/runs/set-tag", { run_id: id, key: "long", value: "x".repeat(20_000) });
      expect(longTag.status).toBe(200);
      expect((await ml.post("/runs/delete-tag", { run_id: id, key: "team" })).status).toBe(200);
      const noTag = await ml.post("/runs/delete-tag", { run_id: id, key: "team" });
      expect(noTag.status).toBe(404);
      const noTs = await ml.post("/runs/log-metric", { run_id: id, key: "m", value: 1 });
      expect([noTs.status, noTs.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
      const badValue = await ml.post("/runs/log-metric", { run_id: id, key: "m", value: "x", timestamp: 1 });
      expect(badValue.status).toBe(400);
      const badKey = await ml.post("/runs/log-metric", { run_id: id, key: "bad*key", value: 1, timestamp: 1 });
      expect(badKey.status).toBe(400);
      expect(badKey.body.message).toContain("Names may only contain alphanumerics");
      const ok = await ml.post("/runs/log-metric", { run_id: id, key: "val acc", value: 0.5, timestamp: "7" });
      expect(ok.status).toBe(200);
      const inputs = await ml.post("/runs/log-inputs", {
        run_id: id,
        datasets: [
          {
            tags: [{ key: "mlflow.data.context", value: "train" }],
            dataset: { name: "digits", digest: "abc", source_type: "local", source: "{}" },
          },
        ],
      });
      expect(inputs.status).toBe(200);
      expect((await ml.post("/runs/outputs", { run_id: id, models: [{ model_id: "m-1", step: 3 }] })).status).toBe(200);
      const got = (await ml.get("/runs/get", { run_id: id })).body.run as Record<string, Record<string, unknown>>;
      expect(got.data?.params).toEqual([
        { key: "lr", value: "0.003" },
        { key: "optim.name", value: "adam" },
      ]);
      const tags = got.data?.tags as { key: string; value: string }[];
      expect(tags.find((t) => t.key === "team")).toBeUndefined();
      expect(tags.find((t) => t.key === "long")?.value.length).toBe(5000);
      expect(got.data?.metrics).toEqual([{ key: "val acc", value: 0.5, timestamp: 7, step: 0 }]);
      expect(got.inputs?.dataset_inputs).toHaveLength(1);
      expect(got.outputs?.model_outputs).toEqual([{ model_id: "m-1", step: 3 }]);
    });
  });
}
