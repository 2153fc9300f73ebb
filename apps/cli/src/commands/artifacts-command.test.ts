import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../main.js";
import { runCli } from "../testing/run-cli.js";
import type { CliIo } from "./output.js";

describe("looplab artifacts and checkpoints commands", () => {
  let server: RunningServer;
  let client: LooplabClient;
  let tmp: string;
  let runId: string;
  const cli = (...args: string[]) =>
    runCli(["--url", server.url, ...args], { LOOPLAB_UPLOADS_DIR: join(tmp, ".uploads") });

  beforeAll(async () => {
    server = await startTestServer();
    client = createClient({ url: server.url });
    tmp = mkdtempSync(join(tmpdir(), "looplab-cli-artifacts-"));
    runId = (await client.createRun({ project: "cli-artifacts" })).id;
    writeFileSync(join(tmp, "model.onnx"), randomBytes(70_000));
    mkdirSync(join(tmp, "data", "sub"), { recursive: true });
    writeFileSync(join(tmp, "data", "a.csv"), "x,y\n1,2\n");
    writeFileSync(join(tmp, "data", "sub", "b.bin"), randomBytes(3000));
  });
  afterAll(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("puts files and folders, each file once: a second put sends nothing", async () => {
    const put = await cli("artifacts", "put", runId, join(tmp, "model.onnx"), join(tmp, "data"), "--type", "dataset");
    expect(put.code).toBe(0);
    expect(put.stdout).toMatch(/^path\s+size\s+type\s+sha256\s+result/);
    expect(put.stdout).toMatch(/model\.onnx\s+68\.4 KiB\s+dataset\s+[0-9a-f]{12}\s+uploaded/);
    expect(put.stdout).toMatch(/data\/sub\/b\.bin\s+2\.9 KiB\s+dataset/);
    // No progress bar when stderr is not a terminal: one final line.
    expect(put.stderr).toMatch(/^uploaded 3 files \(71\.3 KiB, 71\.3 KiB sent\) in \d+\.\ds\n$/);

    const again = await cli("artifacts", "put", runId, join(tmp, "model.onnx"), "--name", "models/copy.onnx", "--json");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject([{ path: "models/copy.onnx", deduplicated: true, type: "file" }]);
    expect(again.stderr).toMatch(/0 B sent, 1 already stored/);
  });

  it("lists the run's file tree with folder sizes, types and digests", async () => {
    const ls = await cli("artifacts", "ls", runId);
    expect(ls.code).toBe(0);
    const lines = ls.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^path\s+size\s+type\s+sha256\s+step\s+state$/);
    expect(lines.slice(1).map((l) => /^\s*\S+/.exec(l)?.[0])).toEqual([
      "data/",
      "  a.csv",
      "  sub/",
      "    b.bin",
      "model.onnx",
      "models/",
      "  copy.onnx",
    ]);
    expect(ls.stdout).toMatch(/data\/\s+2\.9 KiB\n/);
    expect(ls.stderr).toMatch(/4 files, 139\.7 KiB/);
    const json = JSON.parse((await cli("artifacts", "ls", runId, "--json", "--prefix", "data/")).stdout);
    expect(json).toMatchObject({ totalCount: 2, totalBytes: 3008 });
    expect(json.artifacts.map((a: { path: string }) => a.path)).toEqual(["data/a.csv", "data/sub/b.bin"]);
  });

  it("gets a file, or a folder with its files, verified", async () => {
    const out = join(tmp, "out");
    const file = await cli("artifacts", "get", runId, "model.onnx", "-o", out);
    expect(file.code).toBe(0);
    expect(file.stdout).toBe(`${join(out, "model.onnx")}\n`);
    expect(readFileSync(join(out, "model.onnx")).equals(readFileSync(join(tmp, "model.onnx")))).toBe(true);
    expect(file.stderr).toMatch(/^downloaded 1 file \(68\.4 KiB, 68\.4 KiB fetched\) to /);

    const folder = await cli("artifacts", "get", runId, "data/", "-o", out);
    expect(folder.code).toBe(0);
    expect(folder.stdout.trim().split("\n")).toEqual([join(out, "data", "a.csv"), join(out, "data", "sub", "b.bin")]);
    expect(readFileSync(join(out, "data", "a.csv"), "utf8")).toBe("x,y\n1,2\n");
    const sub = await cli("artifacts", "get", runId, "data/sub", "-o", out);
    expect(sub.stdout.trim()).toBe(join(out, "sub", "b.bin"));
    // Already there with the right digest: nothing fetched.
    expect((await cli("artifacts", "get", runId, "model.onnx", "-o", out)).stderr).toMatch(
      /0 B fetched, 1 already present/,
    );
  });

  it("says what is missing with exit code 4, and refuses bad input with exit code 2", async () => {
    const missing = await cli("artifacts", "get", runId, "nope", "-o", join(tmp, "x"));
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/no artifact nope and no folder nope\//);
    const badRun = await cli("artifacts", "ls", "not-a-run");
    expect(badRun.code).toBe(2);
    const badPath = await cli("artifacts", "put", runId, join(tmp, "model.onnx"), "--name", "../escape");
    expect(badPath.code).toBe(2);
    expect(badPath.stderr).toMatch(/path/);
    const noFile = await cli("artifacts", "put", runId, join(tmp, "does-not-exist"));
    expect(noFile.code).toBe(2);
  });

  it("puts checkpoints with --step and --metrics, and lists them by step", async () => {
    const run = (await client.createRun({ project: "cli-artifacts" })).id;
    for (const [step, acc] of [
      [100, 0.8],
      [200, 0.9],
    ] as const) {
      writeFileSync(join(tmp, `ckpt-${step}.pt`), `weights ${step}`);
      const args = ["--type", "checkpoint", "--step", String(step), "--metrics", JSON.stringify({ "val/acc": acc })];
      const put = await cli("artifacts", "put", run, join(tmp, `ckpt-${step}.pt`), ...args);
      expect(put.code).toBe(0);
      expect(put.stdout).toContain(`checkpoints/step-${step}/ckpt-${step}.pt`);
    }
    const noStep = await cli("artifacts", "put", run, join(tmp, "ckpt-100.pt"), "--type", "checkpoint");
    expect(noStep.code).toBe(2);
    expect(noStep.stderr).toMatch(/--step/);
    const ls = await cli("checkpoints", "ls", run);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/^step\s+path\s+files\s+size\s+state\s+kept as\s+created\s+val\/acc/);
    expect(ls.stdout).toMatch(/100\s+checkpoints\/step-100\S*\s+1\s+11 B\s+live.*0\.8/);
    expect(ls.stdout).toMatch(/200\s+checkpoints\/step-200\S*\s+1\s+11 B\s+live.*0\.9/);
    const json = JSON.parse((await cli("checkpoints", "ls", run, "--json")).stdout);
    expect(json.checkpoints.map((c: { step: number }) => c.step)).toEqual([100, 200]);
  });

  it("draws a progress bar on stderr for a large transfer when stderr is a terminal", async () => {
    writeFileSync(join(tmp, "big.bin"), randomBytes(5 * 1024 * 1024));
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 100,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    const chunks: Buffer[] = [];
    stderr.on("data", (c: Buffer) => chunks.push(c));
    const io: CliIo = { stdout, stderr, env: {}, now: () => Date.now() };
    const code = await main(
      ["node", "looplab", "--url", server.url, "artifacts", "put", runId, join(tmp, "big.bin")],
      io,
    );
    expect(code).toBe(0);
    const text = Buffer.concat(chunks).toString("utf8");
    expect(text).toMatch(/uploading \[/);
    expect(text).toMatch(/uploaded 1 file \(5\.0 MiB, 5\.0 MiB sent\)/);
  });
});
