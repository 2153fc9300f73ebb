import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LooplabClient } from "../client.js";

const fixture = fileURLToPath(new URL("../testing/console-process.ts", import.meta.url));

/** Runs the fixture script to its end; resolves with what it printed. */
function runScript(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: {
      ...process.env,
      LOOPLAB_JOB_ID: "",
      LOOPLAB_RUN_ID: "",
      LOOPLAB_SPOOL_DIR: mkdtempSync(join(tmpdir(), "looplab-console-spool-")),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

const expectedLines = [
  ["stdout", "hello from stdout"],
  ["stderr", "warning on stderr"],
  ["stdout", "partial line ✓"],
  ["stdout", "step 0"],
  ["stdout", "step 1"],
  ["stdout", "step 2"],
  ["stdout", "no newline at the end"],
];

describe("console capture and system metrics of SDK runs (child processes)", () => {
  let server: RunningServer;
  let client: LooplabClient;

  beforeAll(async () => {
    server = await startTestServer();
    client = new LooplabClient({ url: server.url });
  });
  afterAll(() => server.close());

  const runIdOf = (stdout: string) => /run ([0-9a-f]{32})/.exec(stdout)?.[1] as string;
  const readLines = async (runId: string) =>
    (await client.call("readLogs", { params: { runId }, query: { limit: 1000 } })).lines.map((l) => [l.stream, l.text]);

  it("tees stdout and stderr into the run's log: the output still appears and the lines arrive in order", async () => {
    const out = await runScript({ LOOPLAB_URL: server.url, FIXTURE_MODE: "finish" });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("hello from stdout\npartial line ✓\nstep 0\n");
    expect(out.stderr).toContain("warning on stderr");
    expect(out.stderr).toContain("finished true");
    const runId = runIdOf(out.stdout);
    const lines = await readLines(runId);
    // The run id line comes first; the fixture's own "finished" note is written after capture stopped.
    expect(lines).toEqual([["stdout", `run ${runId}`], ...expectedLines]);
    const seqs = (await client.call("readLogs", { params: { runId }, query: {} })).lines.map((l) => l.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it("delivers the lines through the exit hooks when the script ends without finish", async () => {
    const out = await runScript({ LOOPLAB_URL: server.url, FIXTURE_MODE: "end" });
    expect(out.code).toBe(0);
    const runId = runIdOf(out.stdout);
    expect((await readLines(runId)).slice(1)).toEqual(expectedLines);
    expect((await client.getRun(runId)).status).toBe("finished");
  });

  it("captures nothing with captureConsole: false, or under an agent (LOOPLAB_JOB_ID)", async () => {
    const off = await runScript({ LOOPLAB_URL: server.url, FIXTURE_CAPTURE: "0" });
    expect(off.stdout).toContain("hello from stdout");
    expect(await readLines(runIdOf(off.stdout))).toEqual([]);
    const queued = await runScript({
      LOOPLAB_URL: server.url,
      LOOPLAB_JOB_ID: "job-1",
      FIXTURE_METRICS_MS: "100",
      FIXTURE_WAIT_MS: "500",
    });
    const runId = runIdOf(queued.stdout);
    expect(await readLines(runId)).toEqual([]);
    const series = await client.call("listSeries", { params: { runId } });
    expect(series.series.filter((s) => s.key.startsWith("system/"))).toEqual([]);
  });

  it("logs system metrics at steps in seconds since start", async () => {
    const out = await runScript({ LOOPLAB_URL: server.url, FIXTURE_METRICS_MS: "300", FIXTURE_WAIT_MS: "1300" });
    expect(out.code).toBe(0);
    const runId = runIdOf(out.stdout);
    const series = (await client.call("listSeries", { params: { runId } })).series;
    const keys = series.map((s) => s.key);
    expect(keys).toEqual(expect.arrayContaining(["system/cpu_percent", "system/rss_mb", "system/heap_mb"]));
    const rss = series.find((s) => s.key === "system/rss_mb");
    expect(rss?.count).toBeGreaterThanOrEqual(3);
    expect(rss?.lastStep).toBeGreaterThanOrEqual(1);
    expect(rss?.lastStep).toBeLessThanOrEqual(2);
    expect(Number(rss?.last)).toBeGreaterThan(10);
  });
});
