import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPrefixHasher } from "./prefix-hasher.js";

describe("prefix hasher", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const partSize = 1_000;
  function file(bytes: Buffer): string {
    const dir = mkdtempSync(join(tmpdir(), "looplab-prefix-"));
    dirs.push(dir);
    const path = join(dir, "data");
    writeFileSync(path, bytes);
    return path;
  }
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

  it("hashes parts at the frontier as they stream and reads the others back, each byte once", async () => {
    const bytes = randomBytes(4 * partSize + 300);
    const hasher = createPrefixHasher({ dataPath: file(bytes), partSize, receivedBefore: [] });
    // Part 3 and 5 arrive early: written, then read back once 1 and 2 are in.
    hasher.received(3);
    hasher.received(5);
    const first = hasher.claimNext(1);
    expect(first).not.toBeNull();
    expect(hasher.claimNext(2)).toBeNull();
    first?.hash.update(bytes.subarray(0, partSize));
    first?.commit();
    hasher.received(1);
    await hasher.advance();
    expect(hasher.hashedParts).toBe(1);
    const second = hasher.claimNext(2);
    second?.hash.update(bytes.subarray(partSize, 2 * partSize));
    second?.commit();
    hasher.received(2);
    await hasher.advance();
    expect(hasher.hashedParts).toBe(3);
    hasher.received(4);
    await hasher.advance();
    expect(hasher.hashedParts).toBe(5);
    expect(hasher.digest()).toBe(sha(bytes));
  });

  it("forgets a rolled-back part's bytes and reads it back once it is received", async () => {
    const bytes = randomBytes(2 * partSize);
    const hasher = createPrefixHasher({ dataPath: file(bytes), partSize, receivedBefore: [] });
    const broken = hasher.claimNext(1);
    broken?.hash.update(randomBytes(400));
    broken?.rollback();
    expect(hasher.hashedParts).toBe(0);
    hasher.received(1);
    hasher.received(2);
    await hasher.advance();
    expect(hasher.digest()).toBe(sha(bytes));
  });

  it("starts from parts an earlier process received, and keeps its digest when a read fails", async () => {
    const bytes = randomBytes(3 * partSize);
    const dir = mkdtempSync(join(tmpdir(), "looplab-prefix-"));
    dirs.push(dir);
    const path = join(dir, "data");
    const hasher = createPrefixHasher({ dataPath: path, partSize, receivedBefore: [1, 2, 3] });
    await expect(hasher.advance()).rejects.toThrow(/ENOENT/);
    expect(hasher.hashedParts).toBe(0);
    writeFileSync(path, bytes);
    await hasher.advance();
    expect(hasher.hashedParts).toBe(3);
    expect(hasher.digest()).toBe(sha(bytes));
  });
});
