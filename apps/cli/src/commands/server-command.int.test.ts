import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliBinPath, freePort } from "@looplab/server/testing";
import { afterAll, describe, expect, it } from "vitest";

/** `looplab server --artifact-quota SIZE`: the default artifact quota of every project. */

const dir = mkdtempSync(join(tmpdir(), "looplab-server-quota-"));
const children: ChildProcess[] = [];

function startServer(args: string[]): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [cliBinPath, "server", "--db", "sqlite::memory:", ...args], {
    env: { ...process.env, LOOPLAB_LOG_LEVEL: "warn", LOOPLAB_ARTIFACT_QUOTA: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function healthy(url: string, exited: Promise<number | null>): Promise<void> {
  let done = false;
  void exited.then(() => {
    done = true;
  });
  for (let i = 0; i < 600 && !done; i++) {
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("server did not become healthy");
}

describe("looplab server --artifact-quota", () => {
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("sets the default per-project quota, enforced with 413 RESOURCE_EXHAUSTED", async () => {
    const port = await freePort();
    const server = startServer(["--port", String(port), "--artifacts", join(dir, "a"), "--artifact-quota", "2KB"]);
    const url = `http://127.0.0.1:${port}`;
    await healthy(url, server.exited);
    const run = (await (
      await fetch(`${url}/api/v1/runs`, {
        method: "POST",
        body: JSON.stringify({ project: "q" }),
        headers: { "content-type": "application/json" },
      })
    ).json()) as { id: string };
    const storage = (await (await fetch(`${url}/api/v1/projects/q/storage`)).json()) as { quotaBytes: number };
    expect(storage.quotaBytes).toBe(2000);
    const upload = await fetch(`${url}/api/v1/runs/${run.id}/uploads`, {
      method: "POST",
      body: JSON.stringify({ path: "big.bin", size: 5000, sha256: "a".repeat(64) }),
      headers: { "content-type": "application/json" },
    });
    expect(upload.status).toBe(413);
    const body = await upload.json();
    expect(JSON.stringify(body)).toContain("RESOURCE_EXHAUSTED");
    expect(JSON.stringify(body)).toContain("2000 bytes");
    server.child.kill("SIGTERM");
    await server.exited;
  });

  it("refuses a size it cannot read, naming the setting", async () => {
    const port = await freePort();
    const server = startServer(["--port", String(port), "--artifacts", join(dir, "b"), "--artifact-quota", "lots"]);
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toContain("artifactQuota");
  });
});
