import { randomBytes } from "node:crypto";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsApi, sha } from "./artifacts-client.js";

describe("artifact lineage, storage and quota", () => {
  let server: RunningServer;
  let api: ReturnType<typeof artifactsApi>;

  beforeAll(async () => {
    server = await startTestServer({ artifactQuota: "1MB" });
    api = artifactsApi(server.url);
  });
  afterAll(() => server.close());

  it("answers which runs used a dataset and where a model came from", async () => {
    const dataset = randomBytes(5000);
    const prep = await api.newRun("lineage");
    await api.upload(prep, "data/digits-v2.npz", dataset, { type: "dataset" });
    const [t1, t2] = [await api.newRun("lineage"), await api.newRun("lineage")];
    const used = await api.call("POST", `/api/v1/runs/${t1}/lineage`, {
      used: [{ runId: prep, path: "data/digits-v2.npz", role: "dataset" }],
    });
    expect(used.status).toBe(200);
    expect(used.body.used[0]).toMatchObject({ sha256: sha(dataset), role: "dataset", source: { runId: prep } });
    await api.call("POST", `/api/v1/runs/${t2}/lineage`, { used: [{ sha256: sha(dataset) }] });
    const model = randomBytes(3000);
    await api.upload(t1, "model.onnx", model, { type: "model" });

    const consumers = await api.call("GET", `/api/v1/artifacts/${sha(dataset)}/consumers`);
    expect(consumers.status).toBe(200);
    expect(consumers.body.consumers.map((c: any) => c.runId).sort()).toEqual([t1, t2].sort());
    expect(consumers.body.producers).toEqual([
      { runId: prep, project: "lineage", path: "data/digits-v2.npz", type: "dataset", state: "live" },
    ]);

    const finetune = await api.newRun("lineage");
    await api.call("POST", `/api/v1/runs/${finetune}/lineage`, {
      used: [{ runId: t1, path: "model.onnx", role: "pretrained" }],
    });
    const where = await api.call("GET", `/api/v1/runs/${finetune}/lineage`);
    expect(where.body.used[0].producers[0]).toMatchObject({ runId: t1, path: "model.onnx" });
    const t1Lineage = await api.call("GET", `/api/v1/runs/${t1}/lineage`);
    expect(t1Lineage.body.used[0].producers[0].runId).toBe(prep);
    expect(t1Lineage.body.produced).toEqual([expect.objectContaining({ path: "model.onnx", consumers: 1 })]);

    expect(
      (await api.call("POST", `/api/v1/runs/${t1}/lineage`, { used: [{ runId: prep, path: "nope" }] })).status,
    ).toBe(404);
    expect((await api.call("GET", `/api/v1/artifacts/${"0".repeat(64)}/consumers`)).status).toBe(404);
  });

  it("refuses uploads beyond the quota with 413 RESOURCE_EXHAUSTED and the quota in the message", async () => {
    const runId = await api.newRun("quota");
    expect((await api.upload(runId, "a.bin", randomBytes(600_000))).status).toBe(200);
    const over = await api.startUpload(runId, "b.bin", randomBytes(600_000));
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe("RESOURCE_EXHAUSTED");
    expect(over.body.error.message).toContain("1000000 bytes");
    const oneShot = await fetch(
      `${server.url}/api/v1/runs/${runId}/artifacts/content?path=c.bin&sha256=${sha(Buffer.alloc(500_000))}`,
      {
        method: "PUT",
        body: Buffer.alloc(500_000),
        headers: { "content-type": "application/octet-stream" },
      },
    );
    expect(oneShot.status).toBe(413);

    const raised = await api.call("PUT", "/api/v1/projects/quota/storage/quota", { quotaBytes: 2_000_000 });
    expect(raised.body).toMatchObject({ quotaBytes: 2_000_000, logicalBytes: 600_000 });
    expect((await api.upload(runId, "b.bin", randomBytes(600_000))).status).toBe(200);
    const usage = await api.call("GET", "/api/v1/projects/quota/storage");
    expect(usage.body).toMatchObject({ artifactCount: 2, logicalBytes: 1_200_000, uniqueBytes: 1_200_000 });
  });
});
