import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { postgresFactory, type RunningServer, sqliteFactory, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../testing/run-cli.js";

/** `looplab export` / `import` carry artifacts: records, bytes (each blob once), checkpoints and lineage. */

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), readFileSync(path));
  }
  return files;
}

async function put(
  url: string,
  runId: string,
  path: string,
  bytes: Uint8Array,
  extra: { type?: string; step?: number; metrics?: object; metadata?: object } = {},
): Promise<void> {
  const query = new URLSearchParams({ path, sha256: sha(bytes) });
  if (extra.type) query.set("type", extra.type);
  if (extra.step !== undefined) query.set("step", String(extra.step));
  if (extra.metrics) query.set("metrics", JSON.stringify(extra.metrics));
  if (extra.metadata) query.set("metadata", JSON.stringify(extra.metadata));
  const res = await fetch(`${url}/api/v1/runs/${runId}/artifacts/content?${query}`, {
    method: "PUT",
    body: bytes,
    headers: { "content-type": "application/octet-stream" },
  });
  if (res.status !== 201) throw new Error(`put ${path}: ${res.status} ${await res.text()}`);
}

const bytes = {
  weights: randomBytes(300_000),
  big: randomBytes(9 * 1024 * 1024 + 17),
  data: Buffer.from("x,y\n1,2\n3,4\n"),
  notes: Buffer.from("soft-deleted notes"),
  log: Buffer.from("log of a deleted run"),
  ckpt: [randomBytes(5000), randomBytes(5000), randomBytes(5000)],
};

async function seed(url: string, client: LooplabClient): Promise<Record<string, string>> {
  const main = (await client.createRun({ project: "vision", name: "main" })).id;
  await put(url, main, "model/weights.bin", bytes.weights, {
    type: "model",
    metadata: { framework: "torch", layers: [3, 1, 2], nested: { z: 1, a: 2 } },
  });
  await put(url, main, "big.bin", bytes.big, { type: "dataset" });
  await put(url, main, "shared/data.csv", bytes.data, { type: "dataset" });
  await put(url, main, "notes.txt", bytes.notes);
  await client.call("deleteArtifact", { params: { runId: main }, query: { path: "notes.txt" } });
  for (const [i, acc] of [0.5, 0.9, 0.7].entries()) {
    const step = (i + 1) * 100;
    await put(url, main, `ckpt/step-${step}/model.pt`, bytes.ckpt[i] as Buffer, {
      type: "checkpoint",
      step,
      metrics: { "val/acc": acc, loss: 1 - acc },
    });
  }
  // Best 1 by val/acc (step 200) plus the last (step 300): step 100 is collected. The policy itself
  // is not part of the format; removing it leaves the collection in place.
  await client.call("putRunRetention", {
    params: { runId: main },
    body: { keepLast: 1, keepBest: 1, metric: "val/acc", direction: "max" },
  });
  await client.call("deleteRunRetention", { params: { runId: main } });

  const child = (await client.createRun({ project: "vision", name: "child", parentRunId: main })).id;
  await put(url, child, "inputs/data.csv", bytes.data, { type: "dataset" });
  await client.call("recordLineage", {
    params: { runId: child },
    body: { used: [{ runId: main, path: "model/weights.bin", role: "pretrained" }, { sha256: sha(bytes.data) }] },
  });

  const gone = (await client.createRun({ project: "vision", name: "gone" })).id;
  await put(url, gone, "log.txt", bytes.log);
  await client.call("deleteRun", { params: { runId: gone } });
  return { main, child, gone };
}

describe("looplab export / import with artifacts", () => {
  let source: RunningServer;
  let target: RunningServer;
  let sourceClient: LooplabClient;
  let targetClient: LooplabClient;
  let tmp: string;
  let ids: Record<string, string>;
  const dirA = () => join(tmp, "a");
  const uniqueBytes = () =>
    bytes.weights.length + bytes.big.length + bytes.data.length + bytes.notes.length + bytes.log.length + 2 * 5000;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "looplab-export-artifacts-"));
    [source, target] = await Promise.all([
      startTestServer({ store: sqliteFactory }),
      startTestServer({ store: postgresFactory }),
    ]);
    sourceClient = createClient({ url: source.url });
    targetClient = createClient({ url: target.url });
    ids = await seed(source.url, sourceClient);
  });
  afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
    rmSync(tmp, { recursive: true, force: true });
  });

  it("exports records, each blob once, and lineage; imports them; re-exports byte for byte", async () => {
    const exported = await runCli(["--url", source.url, "export", "--out", dirA(), "--json"]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ runs: 3, artifacts: 9, blobs: 7, lineage: 2 });
    expect(JSON.parse(exported.stdout).blobBytes).toBe(uniqueBytes());
    const blobs = readdirSync(join(dirA(), "blobs")).sort();
    expect(blobs).toHaveLength(7);
    expect(blobs).not.toContain(sha(bytes.ckpt[0] as Buffer));
    expect(readFileSync(join(dirA(), "blobs", sha(bytes.big))).equals(bytes.big)).toBe(true);
    const records = readFileSync(join(dirA(), "artifacts", `${ids.main}.jsonl`), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records.map((r) => r.path)).toEqual([
      "big.bin",
      "ckpt/step-100/model.pt",
      "ckpt/step-200/model.pt",
      "ckpt/step-300/model.pt",
      "model/weights.bin",
      "notes.txt",
      "shared/data.csv",
    ]);
    expect(Object.keys(records[0])).toEqual([
      "path",
      "type",
      "sha256",
      "size",
      "step",
      "metrics",
      "metadata",
      "createdAt",
      "deletedAt",
      "collectedAt",
    ]);
    expect(records[1]).toMatchObject({ step: 100, metrics: { loss: 0.5, "val/acc": 0.5 } });
    expect(records[1].collectedAt).toEqual(expect.any(Number));
    expect(records[5].deletedAt).toEqual(expect.any(Number));
    const lineage = readFileSync(join(dirA(), "lineage.jsonl"), "utf8").trimEnd().split("\n");
    expect(lineage.map((l) => JSON.parse(l).role).sort()).toEqual([null, "pretrained"]);

    const imported = await runCli(["--url", target.url, "import", dirA(), "--json"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      runs: 3,
      artifacts: 9,
      blobsSent: 7,
      bytesSent: uniqueBytes(),
    });

    const again = await runCli(["--url", target.url, "export", "--out", join(tmp, "b")]);
    expect(again.code, again.stderr).toBe(0);
    const a = readTree(dirA());
    const b = readTree(join(tmp, "b"));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [path, content] of a) expect(b.get(path)?.equals(content), path).toBe(true);
  });

  it("restores artifacts, checkpoints, lineage, bytes and the deleted run exactly", async () => {
    for (const runId of Object.values(ids)) {
      const list = (c: LooplabClient) =>
        c.call("listArtifacts", { params: { runId }, query: { includeDeleted: true, limit: 1000 } });
      expect(await list(targetClient)).toEqual(await list(sourceClient));
      const checkpoints = (c: LooplabClient) =>
        c.call("listCheckpoints", { params: { runId }, query: { includeCollected: true } });
      expect(await checkpoints(targetClient)).toEqual(await checkpoints(sourceClient));
      const lineage = (c: LooplabClient) => c.call("runLineage", { params: { runId } });
      expect(await lineage(targetClient)).toEqual(await lineage(sourceClient));
      const run = async (c: LooplabClient) => {
        const { metrics: _m, ...rest } = await c.getRun(runId);
        return rest;
      };
      expect(await run(targetClient)).toEqual(await run(sourceClient));
    }
    expect((await targetClient.getRun(ids.gone as string)).deletedAt).toEqual(expect.any(Number));
    const consumers = await targetClient.call("blobConsumers", {
      params: { sha256: sha(bytes.weights) },
      query: { limit: 10 },
    });
    expect(consumers.consumers.map((c) => c.runId)).toEqual([ids.child]);
    const res = await fetch(`${target.url}/api/v1/runs/${ids.main}/artifacts/content?path=big.bin`);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.big)).toBe(true);
    const storage = await targetClient.call("runStorage", { params: { runId: ids.main as string } });
    expect(storage).toEqual(await sourceClient.call("runStorage", { params: { runId: ids.main as string } }));
  });

  it("the import route is idempotent, refuses missing blobs (422) and other bytes at a path (409)", async () => {
    const runId = ids.main as string;
    const records = readFileSync(join(dirA(), "artifacts", `${runId}.jsonl`), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const again = await targetClient.call("importRunArtifacts", { params: { runId }, body: { artifacts: records } });
    expect(again).toEqual({ restored: 0, unchanged: 7, lineage: 0 });
    const ghost = { ...records[0], path: "ghost.bin", sha256: "0".repeat(64) };
    await expect(
      targetClient.call("importRunArtifacts", { params: { runId }, body: { artifacts: [ghost] } }),
    ).rejects.toMatchObject({ code: "UNPROCESSABLE", httpStatus: 422 });
    const other = { ...records[0], sha256: sha(bytes.data), size: bytes.data.length };
    await expect(
      targetClient.call("importRunArtifacts", { params: { runId }, body: { artifacts: [other] } }),
    ).rejects.toMatchObject({ code: "ALREADY_EXISTS", httpStatus: 409 });
    expect(
      (await targetClient.call("getArtifact", { params: { runId }, query: { path: "ghost.bin" } }).catch((e) => e))
        .code,
    ).toBe("NOT_FOUND");
  });

  it("re-importing a purged run sends no bytes the server still holds; version 1 folders still import", async () => {
    const fresh = await startTestServer({ store: sqliteFactory });
    try {
      const url = ["--url", fresh.url];
      expect((await runCli([...url, "import", dirA()])).code).toBe(0);
      const purged = await fetch(`${fresh.url}/api/v1/runs/${ids.main}?purge=true`, { method: "DELETE" });
      expect(purged.status).toBe(200);
      await purged.arrayBuffer();
      const res = await runCli([...url, "import", dirA(), "--skip-existing", "--json"]);
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ runs: 1, artifacts: 7, blobsSent: 0, bytesSent: 0 });
      const big = await fetch(`${fresh.url}/api/v1/runs/${ids.main}/artifacts/content?path=big.bin`);
      expect(Buffer.from(await big.arrayBuffer()).equals(bytes.big)).toBe(true);
    } finally {
      await fresh.close();
    }
    const v1 = join(tmp, "v1");
    cpSync(dirA(), v1, { recursive: true });
    rmSync(join(v1, "artifacts"), { recursive: true });
    rmSync(join(v1, "blobs"), { recursive: true });
    rmSync(join(v1, "lineage.jsonl"));
    const manifest = JSON.parse(readFileSync(join(v1, "manifest.json"), "utf8"));
    writeFileSync(join(v1, "manifest.json"), JSON.stringify({ ...manifest, version: 1 }));
    const older = await startTestServer({ store: sqliteFactory });
    try {
      const res = await runCli(["--url", older.url, "import", v1, "--json"]);
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ runs: 3, artifacts: 0 });
    } finally {
      await older.close();
    }
  });
});
