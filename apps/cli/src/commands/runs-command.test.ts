import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../testing/run-cli.js";

describe("looplab projects and runs commands", () => {
  let server: RunningServer;
  let client: LooplabClient;
  let tmp: string;
  const ids: Record<string, string> = {};
  const cli = (...args: string[]) => runCli(["--url", server.url, ...args]);

  beforeAll(async () => {
    server = await startTestServer();
    client = createClient({ url: server.url });
    tmp = mkdtempSync(join(tmpdir(), "looplab-cli-"));
    await client.call("createProject", { body: { name: "digits", description: "handwritten digits" } });
    await client.putMetricDefinition("digits", "val/acc", "max");
    const specs = [
      { name: "mlp-small", lr: 0.01, accs: [0.5, 0.7, 0.8], team: "vision" },
      { name: "mlp-large", lr: 0.001, accs: [0.6, 0.9, 0.85], team: "vision" },
      { name: "cnn", lr: 0.003, accs: [0.7, 0.95, "NaN" as const], team: "conv" },
    ];
    for (const spec of specs) {
      const run = await client.createRun({
        project: "digits",
        name: spec.name,
        config: { optimizer: { lr: spec.lr, name: "adam" }, epochs: 3 },
        tags: { team: spec.team, baseline: "" },
        notes: "first line\nsecond line",
      });
      ids[spec.name] = run.id;
      await client.logMetrics(run.id, {
        points: spec.accs.map((value, step) => ({ key: "val/acc", step, value, time: 1_700_000_000_000 + step })),
      });
      await client.logMetrics(run.id, { points: [{ key: "loss", step: 0, value: 1.25, time: 1_700_000_000_000 }] });
      await client.updateRun(run.id, { status: "finished" });
    }
    await client.updateRun(ids.cnn as string, { config: { optimizer: { lr: 0.004 } } });
  });
  afterAll(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("lists projects as a table and as JSON", async () => {
    const table = await cli("projects", "ls");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^name\s+runs\s+goals/);
    expect(table.stdout).toMatch(/digits\s+3\s+val\/acc:max/);
    const json = await cli("projects", "ls", "--json");
    expect(JSON.parse(json.stdout)).toMatchObject([{ name: "digits", runCount: 3, description: "handwritten digits" }]);
  });

  it("lists runs with short ids, status, duration and each metric's best", async () => {
    const res = await cli("runs", "ls", "--project", "digits", "--sort", "-metrics.val/acc.max");
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^id\s+name\s+status\s+duration\s+loss\s+val\/acc$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain((ids.cnn as string).slice(0, 8));
    expect(lines[1]).not.toContain(ids.cnn);
    expect(lines[1]).toMatch(/cnn\s+finished\s+\S+\s+1\.25\s+0\.95$/);
    expect(lines[2]).toMatch(/mlp-large .*0\.9$/);
    expect(res.stderr).toBe("");
  });

  it("filters, picks columns in the filter syntax and prints JSON rows for scripts", async () => {
    const columns = "name,config.optimizer.lr,metrics.val/acc.last,metrics.val/acc.count,tags.team,tags.baseline";
    const res = await cli(
      "runs",
      "ls",
      "-p",
      "digits",
      "--filter",
      'tags.team = "vision"',
      "--sort",
      "name",
      "--columns",
      columns,
    );
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe(
      "name       config.optimizer.lr  metrics.val/acc.last  metrics.val/acc.count  tags.team  tags.baseline",
    );
    expect(res.stdout).toMatch(/mlp-large\s+0\.001\s+0\.85\s+3\s+vision\s+yes/);
    expect(res.stdout).not.toContain("cnn");
    const json = await cli(
      "runs",
      "ls",
      "-p",
      "digits",
      "--sort",
      "name",
      "--columns",
      "name,metrics.val/acc.last",
      "--json",
    );
    expect(JSON.parse(json.stdout)).toEqual([
      { name: "cnn", "metrics.val/acc.last": "NaN" },
      { name: "mlp-large", "metrics.val/acc.last": 0.85 },
      { name: "mlp-small", "metrics.val/acc.last": 0.8 },
    ]);
  });

  it("pages through every run with --all and says when --limit cut the list", async () => {
    const limited = await cli("runs", "ls", "-p", "digits", "--limit", "2");
    expect(limited.stdout.trimEnd().split("\n")).toHaveLength(3);
    expect(limited.stderr).toContain("showing 2 of 3 runs");
    const all = await cli("runs", "ls", "-p", "digits", "--all", "--json");
    expect(JSON.parse(all.stdout)).toHaveLength(3);
    const env = await runCli(["--url", server.url, "runs", "ls", "--json"], { LOOPLAB_PROJECT: "digits" });
    expect(JSON.parse(env.stdout)).toHaveLength(3);
  });

  it("shows a run: overview, tags, notes, config tree, history and metric summaries", async () => {
    const res = await cli("runs", "show", ids.cnn as string);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^id\s+[0-9a-f]{32}$/m);
    expect(res.stdout).toMatch(/^status\s+finished$/m);
    expect(res.stdout).toContain("tags\n  baseline\n  team = conv\n");
    expect(res.stdout).toContain("notes\n  first line\n  second line\n");
    expect(res.stdout).toContain('config\n  optimizer:\n    lr: 0.004\n    name: "adam"\n  epochs: 3\n');
    expect(res.stdout).toMatch(/config history \(1 change\)\n.*optimizer\.lr: 0\.003 → 0\.004/);
    expect(res.stdout).toMatch(/val\/acc\s+NaN\s+2\s+0\.7\s+0\.95\s+0\.825\s+0\.95\s+3\s+1/);
    const json = JSON.parse((await cli("runs", "show", ids.cnn as string, "--json")).stdout);
    expect(json).toMatchObject({ id: ids.cnn, name: "cnn", configHistory: [{ actor: "api" }] });
  });

  it("exports a run's exact points as CSV or JSON lines, to stdout or a file", async () => {
    const csv = await cli("runs", "export", ids.cnn as string);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe(
      "key,step,value,time\nloss,0,1.25,1700000000000\n" +
        "val/acc,0,0.7,1700000000000\nval/acc,1,0.95,1700000000001\nval/acc,2,NaN,1700000000002\n",
    );
    const file = join(tmp, "cnn.jsonl");
    const json = await cli("runs", "export", ids.cnn as string, "--format", "json", "--keys", "val/acc", "-o", file);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe("");
    expect(json.stderr).toContain(file);
    const lines = readFileSync(file, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { key: "val/acc", step: 0, value: 0.7, time: 1700000000000 },
      { key: "val/acc", step: 1, value: 0.95, time: 1700000000001 },
      { key: "val/acc", step: 2, value: "NaN", time: 1700000000002 },
    ]);
  });

  it("soft-deletes, hides, lists with --deleted and restores a run", async () => {
    const id = ids["mlp-small"] as string;
    const del = await cli("runs", "delete", id);
    expect(del.code).toBe(0);
    expect(del.stderr).toContain(`looplab runs restore ${id}`);
    expect(JSON.parse((await cli("runs", "ls", "-p", "digits", "--json")).stdout)).toHaveLength(2);
    const withDeleted = JSON.parse((await cli("runs", "ls", "-p", "digits", "--deleted", "--json")).stdout);
    expect(withDeleted).toHaveLength(3);
    const restored = await cli("runs", "restore", id, "--json");
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ id, deletedAt: null });
    expect(JSON.parse((await cli("runs", "ls", "-p", "digits", "--json")).stdout)).toHaveLength(3);
  });

  it("purges a run for good", async () => {
    const run = await client.createRun({ project: "scratch" });
    const res = await cli("runs", "delete", run.id, "--purge", "--json");
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ id: run.id, deleted: true, purged: true });
    const gone = await cli("runs", "show", run.id);
    expect(gone.code).toBe(4);
  });

  it("ends with exit 4 and a message on stderr for an unknown run or project", async () => {
    const unknown = "0".repeat(32);
    for (const args of [
      ["runs", "show", unknown],
      ["runs", "export", unknown],
      ["runs", "delete", unknown],
    ]) {
      const res = await cli(...args);
      expect(res.code).toBe(4);
      expect(res.stdout).toBe("");
      expect(res.stderr).toContain(`run '${unknown}' not found`);
    }
    const project = await cli("runs", "ls", "-p", "nope");
    expect(project.code).toBe(4);
    expect(project.stderr).toContain("project 'nope' not found");
  });

  it("ends with exit 2 and a caret under the column for a bad filter, sort or column list", async () => {
    const filter = await cli("runs", "ls", "-p", "digits", "--filter", "config.lr < 0.1 and (name = ");
    expect(filter.code).toBe(2);
    expect(filter.stdout).toBe("");
    const [message, text, caret] = filter.stderr.split("\n");
    expect(message).toMatch(/^looplab: filter: .* at column 29$/);
    expect(text).toBe("  config.lr < 0.1 and (name = ");
    expect(caret).toBe(`  ${" ".repeat(28)}^`);

    const sort = await cli("runs", "ls", "-p", "digits", "--sort", "name,,status");
    expect(sort.code).toBe(2);
    expect(sort.stderr).toContain("  name,,status\n       ^\n");

    const columns = await cli("runs", "ls", "-p", "digits", "--columns", "name,bogus");
    expect(columns.code).toBe(2);
    expect(columns.stderr).toMatch(/^looplab: columns: unknown field 'bogus'/);
    expect(columns.stderr).toContain("  name,bogus\n       ^\n");
  });

  it("ends with exit 2 for bad usage", async () => {
    expect((await cli("runs", "show", "not-an-id")).code).toBe(2);
    expect((await cli("runs", "ls")).stderr).toContain("--project is required");
    expect((await cli("runs", "ls", "-p", "digits", "--limit", "0")).code).toBe(2);
    expect((await cli("runs", "export", ids.cnn as string, "--format", "xml")).code).toBe(2);
    expect((await runCli(["--url", "not a url", "projects", "ls"])).code).toBe(2);
  });
});
