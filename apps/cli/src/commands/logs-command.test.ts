import { createClient, type LooplabClient } from "@looplab/sdk";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../testing/run-cli.js";

describe("looplab logs", () => {
  let server: RunningServer;
  let client: LooplabClient;
  let runId: string;
  const TOTAL = 12_000;
  const cli = (...args: string[]) => runCli(["--url", server.url, ...args], { LOOPLAB_LOGS_POLL_MS: "100" });
  const append = (id: string, texts: string[], stream: "stdout" | "stderr" = "stdout") =>
    client.call("appendLogs", {
      params: { runId: id },
      body: { lines: texts.map((text) => ({ stream, text, time: 1 })) },
    });

  beforeAll(async () => {
    server = await startTestServer();
    client = createClient({ url: server.url });
    runId = (await client.createRun({ project: "cli-logs" })).id;
    for (let start = 0; start < TOTAL; start += 5_000) {
      const texts = Array.from({ length: Math.min(5_000, TOTAL - start) }, (_, i) => `line ${start + i + 1}`);
      await append(runId, texts);
    }
    await append(runId, ["oops"], "stderr");
    await client.updateRun(runId, { status: "finished" });
  });
  afterAll(() => server.close());

  it("prints every line from the start, across pages", async () => {
    const result = await cli("logs", runId);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(TOTAL + 1);
    expect(lines[0]).toBe("line 1");
    expect(lines[TOTAL - 1]).toBe(`line ${TOTAL}`);
    expect(lines[TOTAL]).toBe("oops");
  });

  it("prints the last N lines, one stream, or JSON", async () => {
    expect((await cli("logs", runId, "--tail", "3")).stdout).toBe(`line ${TOTAL - 1}\nline ${TOTAL}\noops\n`);
    expect((await cli("logs", runId, "--stream", "stderr")).stdout).toBe("oops\n");
    const json = (await cli("logs", runId, "--tail", "1", "--json")).stdout.trim();
    expect(JSON.parse(json)).toEqual({ seq: TOTAL + 1, stream: "stderr", text: "oops", time: 1 });
  });

  it("rejects bad arguments and unknown runs", async () => {
    expect((await cli("logs", "nope")).code).not.toBe(0);
    expect((await cli("logs", runId, "--tail", "0")).code).not.toBe(0);
    expect((await cli("logs", runId, "--stream", "stdin")).code).not.toBe(0);
    const missing = await cli("logs", "f".repeat(32));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("not found");
  });

  it("follows new lines until the run ends", async () => {
    const live = (await client.createRun({ project: "cli-logs" })).id;
    await append(live, ["first"]);
    const following = cli("logs", live, "--follow");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await append(live, ["second", "third"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await append(live, ["last words"], "stderr");
    await client.updateRun(live, { status: "finished" });
    const result = await following;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("first\nsecond\nthird\nlast words\n");
  });
});
