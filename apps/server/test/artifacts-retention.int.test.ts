import { randomBytes } from "node:crypto";
import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsApi, sha } from "./artifacts-client.js";

describe.each(storeFactories)("checkpoints, retention and GC on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof artifactsApi>;

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
    api = artifactsApi(server.url);
  });
  afterAll(() => server.close());

  const accs = [0.5, 0.9, 0.7, 0.95, 0.6, 0.8, 0.55, 0.65, 0.85, 0.58];

  it("keeps exactly the best k by a metric plus the last n, as checkpoints arrive", async () => {
    const runId = await api.newRun("ret");
    const put = await api.call("PUT", `/api/v1/runs/${runId}/retention`, {
      keepLast: 2,
      keepBest: 2,
      metric: "val/acc",
      direction: "max",
    });
    expect(put.status).toBe(200);
    const blobs: string[] = [];
    for (const [i, acc] of accs.entries()) {
      const step = (i + 1) * 100;
      const bytes = randomBytes(2048);
      blobs.push(sha(bytes));
      // A checkpoint of two files: both carry the step and metrics.
      await api.upload(runId, `ckpt/step-${step}/model.pt`, bytes, {
        type: "checkpoint",
        step,
        metrics: { "val/acc": acc },
      });
      await api.upload(runId, `ckpt/step-${step}/opt.pt`, Buffer.from(`opt ${step}`), {
        type: "checkpoint",
        step,
        metrics: { "val/acc": acc },
      });
    }
    const list = await api.call("GET", `/api/v1/runs/${runId}/checkpoints`);
    expect(list.status).toBe(200);
    const live = list.body.checkpoints.filter((c: any) => c.state === "live");
    // best 2 by val/acc: 0.95 (step 400) and 0.9 (step 200); last 2: steps 900 and 1000.
    expect(live.map((c: any) => c.step)).toEqual([200, 400, 900, 1000]);
    expect(live.find((c: any) => c.step === 400).retainedBy).toEqual(["best"]);
    expect(live.find((c: any) => c.step === 1000).retainedBy).toEqual(["last"]);
    expect(live[0]).toMatchObject({ path: "ckpt/step-200/", metrics: { "val/acc": 0.9 } });
    expect(live[0].files).toHaveLength(2);
    const collected = list.body.checkpoints.filter((c: any) => c.state === "collected");
    expect(collected).toHaveLength(6);
    expect(list.body.policy).toMatchObject({ scope: "run", keepLast: 2, keepBest: 2 });

    const latest = await api.call("GET", `/api/v1/runs/${runId}/checkpoints/latest`);
    expect(latest.body).toMatchObject({ step: 1000, path: "ckpt/step-1000/" });
    expect((await api.download(runId, "ckpt/step-100/model.pt")).status).toBe(404);
    expect((await api.download(runId, "ckpt/step-400/model.pt")).status).toBe(200);

    const gc = await api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 0 });
    expect(gc.status).toBe(200);
    expect(gc.body.blobsDeleted).toBeGreaterThanOrEqual(12);
    const kept = new Set([1, 3, 8, 9].map((i) => blobs[i]));
    for (const [i, digest] of blobs.entries()) {
      expect(await server.blobStore.head(digest as string), `checkpoint ${i}`).toEqual(
        kept.has(digest) ? { size: 2048 } : null,
      );
    }
    const usage = await api.call("GET", `/api/v1/runs/${runId}/storage`);
    expect(usage.body.artifactCount).toBe(8);
  });

  it("applies a project policy with the direction of its metric definition, and a run override", async () => {
    const runId = await api.newRun("ret-project");
    for (const [i, loss] of [0.9, 0.3, 0.5, 0.1, 0.7].entries()) {
      await api.upload(runId, `c/${i}.pt`, randomBytes(100), { type: "checkpoint", step: i, metrics: { loss } });
    }
    expect(
      (await api.call("PUT", "/api/v1/projects/ret-project/retention", { keepLast: 1, keepBest: 1, metric: "loss" }))
        .status,
    ).toBe(400);
    await api.call("PUT", "/api/v1/projects/ret-project/metric-definitions/loss", { goal: "min" });
    const put = await api.call("PUT", "/api/v1/projects/ret-project/retention", {
      keepLast: 1,
      keepBest: 1,
      metric: "loss",
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ collected: 3, policy: { direction: "min" } });
    const steps = (
      await api.call("GET", `/api/v1/runs/${runId}/checkpoints?includeCollected=false`)
    ).body.checkpoints.map((c: any) => c.step);
    expect(steps).toEqual([3, 4]);
    const own = await api.call("PUT", `/api/v1/runs/${runId}/retention`, { keepLast: 1 });
    expect(own.body.collected).toBe(1);
    const got = await api.call("GET", `/api/v1/runs/${runId}/retention`);
    expect(got.body.effective).toMatchObject({ scope: "run", keepLast: 1, keepBest: 0 });
    expect((await api.call("GET", `/api/v1/runs/${runId}/checkpoints/latest`)).body.step).toBe(4);
    const none = await api.newRun("ret-project");
    expect((await api.call("GET", `/api/v1/runs/${none}/checkpoints/latest`)).status).toBe(404);
    expect((await api.startUpload(none, "c.pt", Buffer.from("x"), { type: "checkpoint" })).status).toBe(400);
  });

  it("never collects a blob a live run references; purging a run releases exactly its own", async () => {
    const shared = randomBytes(4096);
    const own = randomBytes(4096);
    const [a, b] = [await api.newRun("gc"), await api.newRun("gc")];
    await api.upload(a, "shared.bin", shared);
    await api.upload(a, "own.bin", own);
    await api.upload(b, "copy-of-shared.bin", shared);
    expect((await api.call("DELETE", `/api/v1/runs/${a}`)).status).toBe(200);
    await api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 0 });
    expect(await server.blobStore.head(sha(own))).not.toBeNull();
    expect((await api.call("DELETE", `/api/v1/runs/${a}?purge=true`)).status).toBe(200);
    const gc = await api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 0 });
    expect(gc.body.blobsDeleted).toBe(1);
    expect(await server.blobStore.head(sha(own))).toBeNull();
    expect(await server.blobStore.head(sha(shared))).not.toBeNull();
    expect((await api.download(b, "copy-of-shared.bin")).bytes.equals(shared)).toBe(true);
  });

  it("keeps unreferenced blobs through the grace period", async () => {
    const runId = await api.newRun("gc");
    const bytes = randomBytes(1000);
    await api.upload(runId, "g.bin", bytes);
    await api.call("DELETE", `/api/v1/runs/${runId}/artifacts?path=g.bin&purge=true`);
    const early = await api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 3600 });
    expect(early.status).toBe(200);
    expect(await server.blobStore.head(sha(bytes))).not.toBeNull();
    await api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 0 });
    expect(await server.blobStore.head(sha(bytes))).toBeNull();
  });

  it("is safe during an in-flight upload: GC between parts leaves the upload whole", async () => {
    const runId = await api.newRun("gc");
    const bytes = randomBytes(4 * 64 * 1024);
    // The same bytes were stored once, then released: GC may collect them mid-upload.
    await api.upload(runId, "old.bin", bytes);
    await api.call("DELETE", `/api/v1/runs/${runId}/artifacts?path=old.bin&purge=true`);
    const other = await api.newRun("gc");
    const session = (await api.startUpload(other, "new.bin", randomBytes(10), {})).body;
    expect(session.state).toBe("open");
    const fresh = randomBytes(4 * 64 * 1024);
    const up = (await api.startUpload(other, "big.bin", fresh, { partSize: 64 * 1024 })).body;
    await api.putPart(up.uploadId, 1, fresh.subarray(0, 65536));
    await api.putPart(up.uploadId, 3, fresh.subarray(2 * 65536, 3 * 65536));
    const gc = await api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 0 });
    expect(gc.body.stagingRemoved).toBe(0);
    expect(await server.blobStore.head(sha(bytes))).toBeNull();
    await api.putPart(up.uploadId, 2, fresh.subarray(65536, 2 * 65536));
    await api.putPart(up.uploadId, 4, fresh.subarray(3 * 65536));
    const [done] = await Promise.all([
      api.call("POST", `/api/v1/uploads/${up.uploadId}/complete`),
      api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 0 }),
    ]);
    expect(done.status).toBe(200);
    await api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 0 });
    expect((await api.download(other, "big.bin")).bytes.equals(fresh)).toBe(true);
    // Re-uploading released bytes after GC stores them again.
    const again = await api.upload(runId, "old-again.bin", bytes);
    expect(again.body.deduplicated).toBe(false);
    expect((await api.download(runId, "old-again.bin")).bytes.equals(bytes)).toBe(true);
  });
});
