import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { postgresFactory, type RunningServer, sqliteFactory, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../testing/run-cli.js";

/** Every file of a folder, relative path → bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), readFileSync(path));
  }
  return files;
}

const T0 = 1_700_000_000_000;

/** Projects and runs covering every field the format carries. */
async function seed(client: LooplabClient): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  await client.call("createProject", { body: { name: "vision", description: "image models — ünïcode" } });
  await client.putMetricDefinition("vision", "val/acc", "max");
  await client.putMetricDefinition("vision", "loss", "min");
  await client.call("createProject", { body: { name: "empty" } });

  const main = await client.createRun({
    project: "vision",
    name: "resnet-50",
    group: "sweep-1",
    tags: { team: "vision", baseline: "" },
    notes: "first line\nsecond line ✓",
    config: { optimizer: { name: "adam", lr: 0.001, betas: [0.9, 0.999] }, epochs: 10, aug: true, seed: null },
    host: "gpu-box-1",
    command: "python train.py --lr 0.001",
    git: { commit: "a".repeat(40), branch: "main", remote: "git@example.com:x/y.git", dirty: true, diff: "+ x\n" },
    environment: { user: "ada", host: "gpu-box-1", vars: { CUDA_VISIBLE_DEVICES: "0", A: "1" }, python: "3.12" },
  });
  ids.main = main.id;
  await client.updateRun(main.id, { config: { optimizer: { lr: 0.0005 } } });
  await client.updateRun(main.id, { config: { epochs: 20, "optimizer.momentum": 0.9 } });
  await client.logMetrics(main.id, {
    points: [
      { key: "val/acc", step: 5, value: 0.8, time: T0 + 5 },
      { key: "val/acc", step: 1, value: "NaN", time: T0 + 1 },
      { key: "val/acc", step: 3, value: 0.1 + 0.2, time: T0 + 3 },
      { key: "val/acc", step: 2, value: "Infinity", time: T0 + 2 },
      { key: "val/acc", step: 4, value: "-Infinity", time: T0 + 4 },
      { key: "loss", step: 0.5, value: 2.5, time: T0 },
      { key: "loss", step: 1, value: 1 / 3, time: T0 + 10 },
      { key: 'odd,"key"', step: 7, value: -1e-300, time: T0 },
    ],
  });
  // Resumed run re-logging a step: several values at one step, arriving out of order.
  await client.logMetrics(main.id, {
    points: [
      { key: "loss", step: 1, value: 0.3, time: T0 + 20 },
      { key: "loss", step: 0, value: 9.75, time: T0 + 30 },
      { key: "val/acc", step: 5, value: 0.85, time: T0 + 50 },
    ],
  });
  await client.updateRun(main.id, { status: "finished" });

  const child = await client.createRun({ project: "vision", name: "resnet-50-ft", parentRunId: main.id });
  ids.child = child.id;
  await client.logMetrics(child.id, {
    points: Array.from({ length: 2500 }, (_, i) => ({
      key: "train/loss",
      step: 2499 - i,
      value: 1 / (i + 1),
      time: T0 + i,
    })),
  });

  const failed = await client.createRun({ project: "vision", name: "broken", tags: ["flaky"] });
  ids.failed = failed.id;
  await client.logMetrics(failed.id, { points: [{ key: "loss", step: 0, value: "NaN", time: T0 }] });
  await client.updateRun(failed.id, { status: "failed" });
  await client.call("deleteRun", { params: { runId: failed.id } });

  const queued = await client.createRun({ project: "vision", name: "waiting", status: "queued" });
  ids.queued = queued.id;
  const mlflow = await client.createRun({ project: "vision", name: "from-mlflow", origin: "mlflow" });
  ids.mlflow = mlflow.id;
  await client.updateRun(mlflow.id, { status: "killed" });

  const archived = await client.createRun({ project: "archive", name: "old" });
  ids.archived = archived.id;
  await client.logMetrics(archived.id, { points: [{ key: "acc", step: 0, value: 0.5, time: T0 }] });
  await client.updateRun(archived.id, { status: "finished" });
  await client.call("deleteProject", { params: { project: "archive" } });
  return ids;
}

describe("looplab export / import", () => {
  let source: RunningServer;
  let target: RunningServer;
  let sourceClient: LooplabClient;
  let targetClient: LooplabClient;
  let tmp: string;
  let ids: Record<string, string>;
  const dirA = () => join(tmp, "from-sqlite");
  const dirB = () => join(tmp, "from-postgres");

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "looplab-export-"));
    [source, target] = await Promise.all([
      startTestServer({ store: sqliteFactory }),
      startTestServer({ store: postgresFactory }),
    ]);
    sourceClient = createClient({ url: source.url });
    targetClient = createClient({ url: target.url });
    ids = await seed(sourceClient);
  });
  afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
    rmSync(tmp, { recursive: true, force: true });
  });

  it("round-trips SQLite → export → PostgreSQL → export byte for byte", async () => {
    const exportA = await runCli(["--url", source.url, "export", "--out", dirA(), "--json"]);
    expect(exportA.stderr).toContain("exported project vision: 5 runs");
    expect(exportA.code).toBe(0);
    expect(JSON.parse(exportA.stdout)).toEqual({
      projects: 3,
      runs: 6,
      configChanges: 2,
      points: 2513,
      artifacts: 0,
      blobs: 0,
      blobBytes: 0,
      lineage: 0,
    });

    const imported = await runCli(["--url", target.url, "import", dirA(), "--json"]);
    expect(imported.stderr).toBe("imported 3 projects, 6 runs, 2513 points and 0 artifacts (0 blobs, 0 bytes sent)\n");
    expect(imported.code).toBe(0);

    const exportB = await runCli(["--url", target.url, "export", "--out", dirB()]);
    expect(exportB.code).toBe(0);
    const a = readTree(dirA());
    const b = readTree(dirB());
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    // manifest, projects, runs, lineage; per run its points and its (empty) artifact records.
    expect(a.size).toBe(4 + 6 + 6);
    for (const [path, bytes] of a) expect(b.get(path)?.toString("utf8"), path).toBe(bytes.toString("utf8"));
  });

  it("writes the documented format", () => {
    const manifest = JSON.parse(readFileSync(join(dirA(), "manifest.json"), "utf8"));
    expect(manifest).toEqual({
      format: "looplab-export",
      version: 2,
      projects: 3,
      runs: 6,
      configChanges: 2,
      points: 2513,
      artifacts: 0,
      blobs: 0,
      blobBytes: 0,
      lineage: 0,
    });
    const projects = readFileSync(join(dirA(), "projects.jsonl"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(projects.map((p) => p.name)).toEqual(["archive", "empty", "vision"]);
    expect(projects[0].deletedAt).toEqual(expect.any(Number));
    expect(projects[2].metricDefinitions).toEqual([
      { key: "loss", goal: "min" },
      { key: "val/acc", goal: "max" },
    ]);
    const csv = readFileSync(join(dirA(), "metrics", `${ids.main}.csv`), "utf8");
    expect(csv).toBe(
      [
        "key,step,value,time",
        `loss,0,9.75,${T0 + 30}`,
        `loss,0.5,2.5,${T0}`,
        `loss,1,0.3333333333333333,${T0 + 10}`,
        `loss,1,0.3,${T0 + 20}`,
        `"odd,""key""",7,-1e-300,${T0}`,
        `val/acc,1,NaN,${T0 + 1}`,
        `val/acc,2,Infinity,${T0 + 2}`,
        `val/acc,3,0.30000000000000004,${T0 + 3}`,
        `val/acc,4,-Infinity,${T0 + 4}`,
        `val/acc,5,0.8,${T0 + 5}`,
        `val/acc,5,0.85,${T0 + 50}`,
        "",
      ].join("\n"),
    );
    const runs = readFileSync(join(dirA(), "runs.jsonl"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const main = runs.find((r) => r.id === ids.main);
    expect(Object.keys(main.tags)).toEqual(["baseline", "team"]);
    expect(main.configHistory).toHaveLength(2);
    expect(main.metrics.find((m: { key: string }) => m.key === "val/acc")).toEqual({
      key: "val/acc",
      count: 6,
      nanCount: 1,
      last: 0.85,
      lastStep: 5,
      lastTime: T0 + 50,
      min: "-Infinity",
      max: "Infinity",
      mean: (0.1 + 0.2 + 0.8 + 0.85) / 3,
    });
  });

  it("restores every record exactly: ids, timestamps, statuses, heartbeats, deletion marks, history", async () => {
    for (const id of Object.values(ids)) {
      const [a, b] = await Promise.all([sourceClient.getRun(id), targetClient.getRun(id)]);
      for (const run of [a, b]) for (const m of Object.values(run.metrics)) delete (m as { mean?: unknown }).mean;
      expect(b).toEqual(a);
      const [ha, hb] = await Promise.all([
        sourceClient.call("configHistory", { params: { runId: id } }),
        targetClient.call("configHistory", { params: { runId: id } }),
      ]);
      expect(hb).toEqual(ha);
    }
    const list = async (c: LooplabClient) =>
      (await c.call("listProjects", { query: { includeDeleted: true } })).projects;
    expect(await list(targetClient)).toEqual(await list(sourceClient));
    const child = await targetClient.getRun(ids.child as string);
    expect(child.status).toBe("running");
    expect(child.metrics["train/loss"]?.count).toBe(2500);
  });

  it("restores points through the import route without touching heartbeat or updatedAt", async () => {
    const run = await targetClient.getRun(ids.child as string);
    const result = await targetClient.call("importRunMetrics", {
      params: { runId: run.id },
      body: { batchId: "extra-1", points: [{ key: "extra", step: 1, value: "-Infinity", time: 5 }] },
    });
    expect(result).toEqual({ stored: 1, duplicateBatch: false });
    const again = await targetClient.call("importRunMetrics", {
      params: { runId: run.id },
      body: { batchId: "extra-1", points: [{ key: "extra", step: 1, value: "-Infinity", time: 5 }] },
    });
    expect(again).toEqual({ stored: 0, duplicateBatch: true });
    const after = await targetClient.getRun(run.id);
    expect(after.heartbeatAt).toBe(run.heartbeatAt);
    expect(after.updatedAt).toBe(run.updatedAt);
    expect(after.metrics.extra).toMatchObject({ count: 1, last: "-Infinity", lastTime: 5 });

    const { metrics: _m, ...body } = await sourceClient.getRun(ids.main as string);
    const orphan = { ...body, id: "c".repeat(32), project: "no-such-project", configHistory: [] };
    await expect(targetClient.call("importRun", { body: orphan })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      targetClient.call("importRun", { body: { ...orphan, project: "vision", id: ids.main as string } }),
    ).rejects.toMatchObject({
      code: "ALREADY_EXISTS",
      httpStatus: 409,
    });
  });

  it("refuses to import over existing records unless told to keep them", async () => {
    const again = await runCli(["--url", target.url, "import", dirA()]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --skip-existing/);
    const skipping = await runCli(["--url", target.url, "import", dirA(), "--skip-existing", "--json"]);
    expect(skipping.code).toBe(0);
    expect(JSON.parse(skipping.stdout)).toEqual({
      projects: 0,
      runs: 0,
      points: 0,
      skippedProjects: 3,
      skippedRuns: 6,
      artifacts: 0,
      blobsSent: 0,
      bytesSent: 0,
    });
    expect(skipping.stderr).toContain("project vision exists already");
    expect((await targetClient.getRun(ids.main as string)).metrics.loss?.count).toBe(4);
  });

  it("reports existing runs whose points differ from the export instead of touching them", async () => {
    const changed = join(tmp, "changed");
    cpSync(dirA(), changed, { recursive: true });
    writeFileSync(join(changed, "metrics", `${ids.queued}.csv`), "key,step,value,time\nx,1,1,1\n");
    const runs = readFileSync(join(changed, "runs.jsonl"), "utf8").replace(
      new RegExp(`("id":"${ids.queued}".*?"metrics":)\\[\\]`),
      '$1[{"key":"x","count":1}]',
    );
    writeFileSync(join(changed, "runs.jsonl"), runs);
    const res = await runCli(["--url", target.url, "import", changed, "--skip-existing"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${ids.queued} ('x' holds 0 of 1 points)`);
    expect((await targetClient.listSeries(ids.queued as string)).series).toEqual([]);
  });

  it("exports chosen projects only, into an empty folder", async () => {
    const out = join(tmp, "only-empty");
    const res = await runCli(["--url", source.url, "export", "--out", out, "--project", "empty"]);
    expect(res.code).toBe(0);
    expect(readFileSync(join(out, "runs.jsonl"), "utf8")).toBe("");
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"))).toMatchObject({ projects: 1, runs: 0 });
    const notEmpty = await runCli(["--url", source.url, "export", "--out", out]);
    expect(notEmpty.code).toBe(2);
    expect(notEmpty.stderr).toContain("is not empty");
    const unknown = await runCli(["--url", source.url, "export", "--out", join(tmp, "x"), "--project", "nope"]);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain("no project named 'nope'");
  });

  it("refuses folders that are not a readable export, naming the file and line", async () => {
    const fresh = await startTestServer({ store: sqliteFactory });
    try {
      const url = ["--url", fresh.url];
      const noManifest = await runCli([...url, "import", join(tmp, "does-not-exist")]);
      expect(noManifest.code).toBe(2);
      expect(noManifest.stderr).toContain("has no manifest.json");

      const future = join(tmp, "future");
      cpSync(dirA(), future, { recursive: true });
      writeFileSync(join(future, "manifest.json"), JSON.stringify({ format: "looplab-export", version: 99 }));
      expect((await runCli([...url, "import", future])).stderr).toContain("format version 99 is newer");

      const broken = join(tmp, "broken");
      cpSync(dirA(), broken, { recursive: true });
      const csv = join(broken, "metrics", `${ids.main}.csv`);
      writeFileSync(csv, readFileSync(csv, "utf8").replace("loss,0.5,2.5", "loss,0.5,abc"));
      const res = await runCli([...url, "import", broken]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`metrics/${ids.main}.csv:3: value 'abc' is not a number`);
    } finally {
      await fresh.close();
    }
  });
});
