import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBlobPublisher } from "./blob-sync.js";

describe("blob publisher", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function scratch() {
    const dir = mkdtempSync(join(tmpdir(), "looplab-publish-"));
    dirs.push(dir);
    const tmp = join(dir, "tmp-file");
    writeFileSync(tmp, "bytes");
    return { tmp, target: join(dir, "a", "b", "blob") };
  }

  for (const mode of ["immediate", "deferred"] as const) {
    it(`${mode}: the blob is in place, whole, when publish resolves`, async () => {
      const { tmp, target } = scratch();
      const publisher = createBlobPublisher(mode, { delayMs: 5 });
      await publisher.publish(tmp, target);
      expect(readFileSync(target, "utf8")).toBe("bytes");
      expect(existsSync(tmp)).toBe(false);
      await publisher.flush();
    });
  }

  it("deferred: flushes in the background and on request, even when a blob was deleted meanwhile", async () => {
    const publisher = createBlobPublisher("deferred", { delayMs: 5 });
    const first = scratch();
    await publisher.publish(first.tmp, first.target);
    rmSync(first.target);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = scratch();
    await publisher.publish(second.tmp, second.target);
    await expect(publisher.flush()).resolves.toBeUndefined();
    expect(readFileSync(second.target, "utf8")).toBe("bytes");
  });
});
