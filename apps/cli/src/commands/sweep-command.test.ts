import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../testing/run-cli.js";

const yaml = `name: cli-sweep
project: cli-sweeps
command: python train.py --config \${config_file}
space:
  lr: [0.1, 0.01, 0.001]
method: grid
objective: { metric: loss, goal: min }
budget: { runs: 3, parallel: 3 }
`;

describe("looplab sweep", () => {
  let server: RunningServer;
  let tmp: string;
  const cli = (...args: string[]) => runCli(["--url", server.url, ...args]);

  beforeAll(async () => {
    server = await startTestServer();
    tmp = mkdtempSync(join(tmpdir(), "looplab-sweep-cli-"));
  });
  afterAll(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("creates, shows, lists and cancels a sweep; a bad file exits 2 naming the line", async () => {
    const file = join(tmp, "sweep.yaml");
    writeFileSync(file, yaml);
    const created = await cli("sweep", "create", file);
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(created.stderr).toContain("3 trial(s) queued");

    const shown = await cli("sweep", "show", id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("method    grid, objective loss (min)");
    expect(shown.stdout).toContain("progress  0/3 trials done, 3 active");

    const listed = await cli("sweep", "ls", "--project", "cli-sweeps");
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain("3/3");

    const json = JSON.parse((await cli("sweep", "show", id, "--json")).stdout);
    expect(json.trials.map((t: { params: { lr: number } }) => t.params.lr)).toEqual([0.1, 0.01, 0.001]);

    const cancelled = await cli("sweep", "cancel", id);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stderr).toContain("cancelled");
    expect(JSON.parse((await cli("sweep", "show", id, "--json")).stdout).sweep.state).toBe("cancelled");

    writeFileSync(file, yaml.replace("method: grid", "method: grid\nbudgett: 1"));
    const bad = await cli("sweep", "create", file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("line 7");
    expect((await cli("sweep", "show", "f".repeat(32))).code).not.toBe(0);
  });
});
