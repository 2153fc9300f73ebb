import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { list as listTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadArtifactFile } from "./node/artifact-download.js";
import { defaultCheckpointDir } from "./node/node-artifact-io.js";
import { NodeLooplab as Looplab } from "./node/node-looplab.js";
import type { Run } from "./run.js";
import { tempDir, writeFile } from "./testing/artifact-fixtures.js";
import { readSeries } from "./testing/series-reader.js";

let server: RunningServer;

function looplab(): Looplab {
  return new Looplab({
    url: server.url,
    spoolDir: false,
    exitHooks: false,
    replayOnInit: false,
    captureGit: false,
    uploadSessionsDir: false,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    onError: () => {},
  });
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A finished run that logged `loss` at steps 0..299 and saved checkpoints at steps 100 (folder) and 50 (file). */
async function trainedRun(ll: Looplab, project: string): Promise<{ run: Run; ckptDir: string }> {
  const run = await ll.init({ project });
  for (let step = 0; step < 300; step++) run.log({ loss: 1 / (step + 1) }, { step });
  const ckptDir = tempDir();
  writeFile(ckptDir, "ckpt/model.pt", 150_000);
  writeFile(ckptDir, "ckpt/optim/state.pt", "adam state");
  writeFile(ckptDir, "early.pt", 1000);
  await run.saveCheckpoint(join(ckptDir, "ckpt"), { step: 100, metrics: { "val/acc": 0.91 } });
  await run.saveCheckpoint(join(ckptDir, "early.pt"), { step: 50 });
  expect((await run.finish()).delivered).toBe(true);
  return { run, ckptDir };
}

describe("checkpoints and resume against a real server", () => {
  it("round-trips a checkpoint: latestCheckpoint downloads every file, verified, and reuses the cache", async () => {
    const ll = looplab();
    const { run, ckptDir } = await trainedRun(ll, "ckpt-roundtrip");
    const dir = tempDir();
    const latest = await ll.latestCheckpoint(run.id, { dir });
    expect(latest).toMatchObject({ runId: run.id, step: 100, metrics: { "val/acc": 0.91 }, path: dir });
    expect(latest?.files).toEqual([join(dir, "model.pt"), join(dir, "optim", "state.pt")]);
    expect(readFileSync(join(dir, "model.pt")).equals(readFileSync(join(ckptDir, "ckpt", "model.pt")))).toBe(true);
    expect(readFileSync(join(dir, "optim", "state.pt"), "utf8")).toBe("adam state");
    expect(latest?.bytesReceived).toBe(150_010);
    expect((await ll.latestCheckpoint(run.id, { dir }))?.bytesReceived).toBe(0);

    const listed = await ll.client.call("listCheckpoints", { params: { runId: run.id } });
    expect(listed.checkpoints.map((c) => [c.step, c.path, c.files.length])).toEqual([
      [50, "checkpoints/step-50/early.pt", 1],
      [100, "checkpoints/step-100/", 2],
    ]);
    const empty = await ll.init({ project: "ckpt-roundtrip" });
    expect(await ll.latestCheckpoint(empty.id)).toBeNull();
    await empty.finish();
    expect(defaultCheckpointDir(run.id, 100, "/work")).toBe(`/work/.looplab/checkpoints/${run.id}/100`);
  });

  it("a single-file checkpoint comes back as that file", async () => {
    const ll = looplab();
    const run = await ll.init({ project: "ckpt-file" });
    const src = tempDir();
    writeFile(src, "final.pt", 5000);
    await run.saveCheckpoint(join(src, "final.pt"), { step: 7 });
    await run.finish();
    const dir = tempDir();
    const latest = await ll.latestCheckpoint(run.id, { dir });
    expect(latest).toMatchObject({ step: 7, path: join(dir, "final.pt"), files: [join(dir, "final.pt")] });
  });

  it("resume: runId refuses to guess what to do with points after the checkpoint, and changes nothing", async () => {
    const ll = looplab();
    const { run } = await trainedRun(ll, "ckpt-resume-guard");
    const error = await ll.init({ project: "ckpt-resume-guard", resume: run.id }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FAILED_PRECONDITION" });
    expect(String((error as Error).message)).toMatch(/after step 100.*metricsAfterCheckpoint: "keep".*"truncate"/s);
    expect((await ll.getRun(run.id)).status).toBe("finished");
    expect((await readSeries(ll.client, run.id, "loss")).length).toBe(300);
  });

  it("resume with truncate: continues the same run from the checkpoint, history after its step deleted", async () => {
    const ll = looplab();
    const { run } = await trainedRun(ll, "ckpt-resume-truncate");
    const dir = tempDir();
    const resumed = await ll.init({
      project: "ckpt-resume-truncate",
      resume: run.id,
      metricsAfterCheckpoint: "truncate",
      checkpointDir: dir,
    });
    expect(resumed.id).toBe(run.id);
    expect(resumed.resumeCheckpoint).toMatchObject({ step: 100, path: dir, metrics: { "val/acc": 0.91 } });
    expect(readFileSync(join(dir, "optim", "state.pt"), "utf8")).toBe("adam state");
    expect((await ll.getRun(run.id)).status).toBe("running");
    const kept = await readSeries(ll.client, run.id, "loss");
    expect(kept.map((p) => p.step)).toEqual(Array.from({ length: 101 }, (_, i) => i));
    for (let step = 101; step < 120; step++) resumed.log({ loss: 0 }, { step });
    await resumed.finish();
    expect((await readSeries(ll.client, run.id, "loss")).length).toBe(120);
  });

  it("resume with keep: the old points stay beside the re-logged steps", async () => {
    const ll = looplab();
    const { run } = await trainedRun(ll, "ckpt-resume-keep");
    const resumed = await ll.init({
      project: "ckpt-resume-keep",
      resume: run.id,
      metricsAfterCheckpoint: "keep",
      checkpointDir: tempDir(),
    });
    resumed.log({ loss: 0 }, { step: 101 });
    await resumed.finish();
    expect((await readSeries(ll.client, run.id, "loss")).length).toBe(301);
  });

  it("resumeFrom branches a new run with resumedFrom and lineage, never touching the source", async () => {
    const ll = looplab();
    const { run } = await trainedRun(ll, "ckpt-branch");
    const refused = await ll
      .init({ project: "ckpt-branch", resumeFrom: run.id, metricsAfterCheckpoint: "truncate" })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "INVALID_ARGUMENT" });
    const branch = await ll.init({ project: "ckpt-branch", resumeFrom: run.id, checkpointDir: tempDir() });
    expect(branch.id).not.toBe(run.id);
    expect(branch.resumeCheckpoint).toMatchObject({ runId: run.id, step: 100 });
    expect((await ll.getRun(branch.id)).resumedFrom).toBe(run.id);
    expect((await branch.finish()).delivered).toBe(true);
    const lineage = await ll.client.call("runLineage", { params: { runId: branch.id } });
    expect(lineage.used.map((u) => [u.source?.path, u.role]).sort()).toEqual([
      ["checkpoints/step-100/model.pt", "resume"],
      ["checkpoints/step-100/optim/state.pt", "resume"],
    ]);
    expect((await readSeries(ll.client, run.id, "loss")).length).toBe(300);
  });

  it("the boolean resume form still continues a run by id without checkpoints", async () => {
    const ll = looplab();
    const first = await ll.init({ project: "ckpt-legacy" });
    await first.finish();
    const again = await ll.init({ project: "ckpt-legacy", id: first.id, resume: true });
    expect(again.resumeCheckpoint).toBeNull();
    await again.finish();
    const noCheckpoint = await ll.init({ project: "ckpt-legacy", resume: first.id });
    expect(noCheckpoint.resumeCheckpoint).toBeNull();
    await noCheckpoint.finish();
  });

  it("useArtifact records what a run used", async () => {
    const ll = looplab();
    const producer = await ll.init({ project: "ckpt-lineage" });
    const dir = tempDir();
    const sha = writeFile(dir, "train.csv", "a,b\n1,2\n");
    await producer.saveArtifact(join(dir, "train.csv"), { type: "dataset" });
    await producer.finish();
    const consumer = await ll.init({ project: "ckpt-lineage" });
    void consumer.useArtifact({ runId: producer.id, path: "train.csv", role: "train" });
    await consumer.finish();
    const consumers = await ll.client.call("blobConsumers", { params: { sha256: sha } });
    expect(consumers.consumers.map((c) => c.runId)).toEqual([consumer.id]);
  });
});

describe("code snapshot", () => {
  function repo(): string {
    const dir = tempDir("looplab-snapshot-");
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir });
    git("init", "-q", "-b", "main");
    writeFile(dir, "train.py", "print('hi')\n");
    writeFile(dir, ".gitignore", "data/\n*.log\n");
    git("add", ".");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "first");
    writeFile(dir, "notes.md", "untracked, not ignored\n");
    writeFile(dir, "data/big.bin", 2000);
    writeFile(dir, "run.log", "ignored\n");
    return dir;
  }

  it("stores tracked and untracked-not-ignored files as code/snapshot.tar.gz", async () => {
    const cwd = repo();
    const ll = looplab();
    const run = await ll.init({ project: "snapshot", codeSnapshot: { cwd } });
    const result = await run.finish();
    expect(result.artifacts).toEqual({ saved: 1, failed: [] });
    const info = await ll.client.call("getArtifact", {
      params: { runId: run.id },
      query: { path: "code/snapshot.tar.gz" },
    });
    expect(info).toMatchObject({ type: "code", metadata: { files: 3 } });
    const target = join(tempDir(), "snapshot.tar.gz");
    await downloadArtifactFile(ll.transferDeps, run.id, info, target);
    const entries: string[] = [];
    await listTar({ file: target, onReadEntry: (e) => entries.push(e.path) });
    expect(entries.sort()).toEqual([".gitignore", "notes.md", "train.py"]);
  });

  it("stores nothing over the size limit and says why", async () => {
    const cwd = repo();
    const ll = looplab();
    const run = await ll.init({ project: "snapshot", codeSnapshot: { cwd, maxBytes: 10 } });
    const result = await run.finish();
    expect(result.delivered).toBe(false);
    expect(result.artifacts.failed[0]?.message).toMatch(/over the snapshot limit of 10 B.*train\.py/);
    const list = await ll.client.call("listArtifacts", { params: { runId: run.id } });
    expect(list.artifacts).toEqual([]);
  });
});
