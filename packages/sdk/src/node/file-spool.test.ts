import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spoolRecordName } from "../spool.js";
import { createFileSpool, defaultSpoolDir } from "./file-spool.js";

const RUN_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const RUN_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "looplab-spool-test-"));
}

describe("file spool", () => {
  it("stores records whole under <dir>/<runId>/ and lists them oldest first", async () => {
    const dir = tempDir();
    const spool = createFileSpool(dir);
    const run = spool.open(RUN_A);
    const second = spoolRecordName(2000, "s1", 2, "logMetrics");
    const first = spoolRecordName(1000, "s1", 1, "createRun");
    const third = spoolRecordName(2000, "s1", 10, "updateRun");
    await run.write(second, '{"batchId":"x","points":[]}');
    run.writeSync(third, '{"status":"finished"}');
    await run.write(first, '{"project":"p"}');
    expect((await run.list()).map((r) => r.name)).toEqual([first, second, third]);
    expect((await run.list()).map((r) => r.route)).toEqual(["createRun", "logMetrics", "updateRun"]);
    expect(await run.read(second)).toBe('{"batchId":"x","points":[]}');
    expect(readdirSync(join(dir, RUN_A)).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
    await run.remove(second);
    await run.remove(second);
    expect(await run.read(second)).toBeUndefined();
    expect((await run.list()).map((r) => r.name)).toEqual([first, third]);
  });

  it("moves a refused record aside with its reason", async () => {
    const dir = tempDir();
    const run = createFileSpool(dir).open(RUN_A);
    const name = spoolRecordName(1, "s", 1, "logMetrics");
    await run.write(name, "{}");
    await run.reject(name, "INVALID_ARGUMENT: nope");
    expect(await run.list()).toEqual([]);
    expect(readFileSync(join(dir, RUN_A, "rejected", name), "utf8")).toBe("{}");
    expect(readFileSync(join(dir, RUN_A, "rejected", `${name}.reason.txt`), "utf8")).toContain("nope");
  });

  it("lists runs with records that no live run of this process has claimed", async () => {
    const dir = tempDir();
    const spool = createFileSpool(dir);
    const a = spool.open(RUN_A);
    await a.write(spoolRecordName(1, "s", 1, "logMetrics"), "{}");
    a.close();
    const b = spool.open(RUN_B);
    await b.write(spoolRecordName(1, "s", 1, "logMetrics"), "{}");
    expect(await spool.listRuns()).toEqual([RUN_A]);
    // Another spool object in the same process sees the same claims.
    expect(await createFileSpool(dir).listRuns()).toEqual([RUN_A]);
    b.close();
    expect(await spool.listRuns()).toEqual([RUN_A, RUN_B]);
  });

  it("ignores and cleans up temporary files left by dead processes", async () => {
    const dir = tempDir();
    const run = createFileSpool(dir).open(RUN_A);
    await run.write(spoolRecordName(1, "s", 1, "logMetrics"), "{}");
    const stale = join(dir, RUN_A, `.tmp-999999999-1-${spoolRecordName(1, "s", 2, "logMetrics")}`);
    writeFileSync(stale, '{"half');
    expect(await run.list()).toHaveLength(1);
    expect(readdirSync(join(dir, RUN_A)).some((n) => n.startsWith(".tmp-"))).toBe(false);
  });

  it("refuses names that could escape the folder", () => {
    const run = createFileSpool(tempDir()).open(RUN_A);
    expect(() => run.writeSync("../../evil.json", "{}")).toThrow();
    expect(() => createFileSpool(tempDir()).open("../x")).toThrow();
  });

  it("defaults to LOOPLAB_SPOOL_DIR, else ~/.looplab/spool", () => {
    expect(defaultSpoolDir({ LOOPLAB_SPOOL_DIR: "/data/spool" })).toBe("/data/spool");
    expect(defaultSpoolDir({})).toMatch(/\.looplab[/\\]spool$/);
  });
});
