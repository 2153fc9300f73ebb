import { createHash } from "node:crypto";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../testing/run-cli.js";

describe("looplab models", () => {
  let server: RunningServer;
  let client: LooplabClient;
  let runId: string;
  const cli = (...args: string[]) => runCli(["--url", server.url, ...args]);

  beforeAll(async () => {
    server = await startTestServer();
    client = createClient({ url: server.url });
    const run = await client.createRun({ project: "digits", name: "mlp" });
    runId = run.id;
    await client.logMetrics(runId, { points: [{ key: "val/acc", step: 1, value: 0.97, time: 1_700_000_000_000 }] });
    const bytes = new TextEncoder().encode("onnx bytes");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const res = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/content?path=model.onnx&sha256=${sha256}`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(res.status).toBe(201);
  });
  afterAll(() => server.close());

  it("registers versions (creating the model), sets aliases, lists and shows", async () => {
    const empty = await cli("models", "ls");
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain("no registered models");

    const first = await cli("models", "register", "digits-mlp", "--run", runId, "--path", "model.onnx");
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("digits-mlp v1\n");
    expect((await cli("models", "register", "digits-mlp", "--run", runId, "--path", "model.onnx")).stdout).toBe(
      "digits-mlp v2\n",
    );
    const missing = await cli("models", "register", "digits-mlp", "--run", runId, "--path", "nope.onnx");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("nope.onnx");

    const alias = await cli("models", "alias", "digits-mlp", "champion", "v1");
    expect(alias.stdout).toBe("digits-mlp@champion → v1\n");

    const ls = await cli("models", "ls");
    expect(ls.stdout).toMatch(/^name\s+latest\s+versions\s+aliases/);
    expect(ls.stdout).toMatch(/digits-mlp\s+v2\s+2\s+champion→v1/);

    const show = await cli("models", "show", "digits-mlp");
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("2 versions");
    expect(show.stdout).toMatch(/v1\s+None\s+champion\s+[0-9a-f]{32}\s+model\.onnx/);
    expect(show.stdout).toContain("val/acc=0.97");

    const json = JSON.parse((await cli("models", "show", "digits-mlp", "--json")).stdout);
    expect(json.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await cli("models", "show", "nope")).code).not.toBe(0);
  });
});
