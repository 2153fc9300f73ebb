import { randomBytes } from "node:crypto";
import { type RunningServer, startTestServer, storeFactories } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsApi, sha } from "./artifacts-client.js";

/** Which retention policy governs a run (its own beats its project's), and what a project purge leaves. */
describe.each(storeFactories)("retention scope and project purge on $name", (factory) => {
  let server: RunningServer;
  let api: ReturnType<typeof artifactsApi>;

  beforeAll(async () => {
    server = await startTestServer({ store: factory });
    api = artifactsApi(server.url);
  });
  afterAll(() => server.close());

  const liveSteps = async (runId: string) =>
    (await api.call("GET", `/api/v1/runs/${runId}/checkpoints?includeCollected=false`)).body.checkpoints.map(
      (c: { step: number }) => c.step,
    );
  const checkpoint = (runId: string, step: number) =>
    api.upload(runId, `ckpt/step-${step}/model.pt`, randomBytes(256), { type: "checkpoint", step });

  it("a run's own policy wins over its project's, when the project policy is set and as checkpoints arrive", async () => {
    const project = `scope-${factory.name}`;
    const [own, plain] = [await api.newRun(project), await api.newRun(project)];
    expect((await api.call("PUT", `/api/v1/runs/${own}/retention`, { keepLast: 3 })).status).toBe(200);
    for (const step of [1, 2, 3]) {
      await checkpoint(own, step);
      await checkpoint(plain, step);
    }
    const set = await api.call("PUT", `/api/v1/projects/${project}/retention`, { keepLast: 1 });
    expect(set.status).toBe(200);
    // Only the run without a policy of its own lost checkpoints.
    expect(set.body.collected).toBe(2);
    expect(await liveSteps(own)).toEqual([1, 2, 3]);
    expect(await liveSteps(plain)).toEqual([3]);

    await checkpoint(own, 4);
    await checkpoint(plain, 4);
    expect(await liveSteps(own)).toEqual([2, 3, 4]);
    expect(await liveSteps(plain)).toEqual([4]);

    // Changing the project policy still leaves the run's own policy in force.
    await api.call("PUT", `/api/v1/projects/${project}/retention`, { keepLast: 2 });
    await checkpoint(own, 5);
    await checkpoint(plain, 5);
    expect(await liveSteps(own)).toEqual([3, 4, 5]);
    expect(await liveSteps(plain)).toEqual([4, 5]);
    const listed = await api.call("GET", `/api/v1/runs/${own}/checkpoints`);
    expect(listed.body.policy).toMatchObject({ scope: "run", keepLast: 3 });
    expect((await api.call("GET", `/api/v1/runs/${own}/retention`)).body.effective).toMatchObject({
      scope: "run",
      keepLast: 3,
    });

    // Without its own policy the run falls back to the project's, applied as the next checkpoint arrives.
    expect((await api.call("DELETE", `/api/v1/runs/${own}/retention`)).status).toBe(200);
    await checkpoint(own, 6);
    expect(await liveSteps(own)).toEqual([5, 6]);
  });

  it("purging a project removes its retention policy and quota and releases its runs' blobs", async () => {
    const project = `purged-${factory.name}`;
    const keep = randomBytes(2048);
    const own = randomBytes(2048);
    const runId = await api.newRun(project);
    const other = await api.newRun(`survivor-${factory.name}`);
    await api.upload(runId, "own.bin", own);
    await api.upload(runId, "shared.bin", keep);
    await api.upload(other, "shared.bin", keep);
    await api.call("PUT", `/api/v1/runs/${runId}/retention`, { keepLast: 2 });
    expect((await api.call("PUT", `/api/v1/projects/${project}/retention`, { keepLast: 1 })).status).toBe(200);
    expect((await api.call("PUT", `/api/v1/projects/${project}/storage/quota`, { quotaBytes: 10_000 })).status).toBe(
      200,
    );
    const projectId = (await api.call("GET", `/api/v1/projects/${project}`)).body.id as string;

    expect((await api.call("DELETE", `/api/v1/projects/${project}?purge=true`)).status).toBe(200);
    expect(await server.store.artifacts.getRetention("project", projectId)).toBeNull();
    expect(await server.store.artifacts.getRetention("run", runId)).toBeNull();
    expect(await server.store.artifacts.getQuota(projectId)).toBeNull();
    expect(await server.store.artifacts.getArtifact(runId, "own.bin")).toBeNull();

    const gc = await api.call("POST", "/api/v1/artifacts/gc", { graceSeconds: 0 });
    expect(gc.status).toBe(200);
    expect(await server.blobStore.head(sha(own))).toBeNull();
    expect(await server.blobStore.head(sha(keep))).not.toBeNull();
    expect((await api.download(other, "shared.bin")).bytes.equals(keep)).toBe(true);

    // A project of the same name starts clean: no inherited policy or quota.
    const again = await api.newRun(project);
    expect((await api.call("GET", `/api/v1/projects/${project}/retention`)).body.policy).toBeNull();
    expect((await api.call("GET", `/api/v1/projects/${project}/storage`)).body.quotaBytes).toBeNull();
    expect((await api.upload(again, "big.bin", randomBytes(20_000))).status).toBe(200);
  });
});
