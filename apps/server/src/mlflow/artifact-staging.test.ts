import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createArtifactStaging } from "./artifact-staging.js";

describe("MLflow artifact staging", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function scratch(): string {
    const dir = mkdtempSync(join(tmpdir(), "looplab-mlflow-staging-"));
    dirs.push(dir);
    return dir;
  }
  async function text(stream: Readable): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString();
  }

  it("completes, after a restart, a multipart upload an earlier process started", async () => {
    const root = scratch();
    const before = createArtifactStaging(root);
    const uploadId = await before.createUpload();
    await before.putPart(uploadId, 2, Readable.from([Buffer.from("world")]));
    const after = createArtifactStaging(root);
    await after.putPart(uploadId, 1, Readable.from([Buffer.from("hello ")]));
    const staged = await after.complete(uploadId, [1, 2]);
    expect(await text(staged.open())).toBe("hello world");
    expect(staged.size).toBe(11);
    await staged.remove();
  });

  it("removes what abandoned uploads and crashed requests left, once untouched for a day, and keeps the rest", async () => {
    const root = scratch();
    let clock = Date.now();
    const staging = createArtifactStaging(root, { now: () => clock });
    const live = await staging.createUpload();
    const abandoned = join(root, "mpu-0123456789abcdef0123456789abcdef");
    mkdirSync(abandoned);
    writeFileSync(join(abandoned, "part-1"), "x");
    writeFileSync(join(root, "put-left-by-a-crash"), "y");
    writeFileSync(join(root, "not-ours"), "z");
    const old = new Date(clock - 25 * 60 * 60 * 1000);
    for (const path of [abandoned, join(root, "put-left-by-a-crash"), join(root, "not-ours")])
      utimesSync(path, old, old);

    clock += 2 * 60 * 60 * 1000;
    await staging.createUpload();
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(join(root, "put-left-by-a-crash"))).toBe(false);
    expect(existsSync(join(root, "not-ours"))).toBe(true);
    expect(existsSync(join(root, `mpu-${live}`))).toBe(true);
  });
});
