import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { SERVER_HEAP_GROWING_PERCENT, tuneHeapForStreaming } from "./heap-tuning.js";

const run = promisify(execFile);
const moduleUrl = new URL("./heap-tuning.ts", import.meta.url).href;
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** Runs a fresh node that calls tuneHeapForStreaming and then a full GC; returns the growing factors V8 applied. */
async function growingFactors(nodeFlags: string[]): Promise<string[]> {
  const script = [
    `import { register } from "tsx/esm/api";`,
    "register();",
    `const { tuneHeapForStreaming } = await import(${JSON.stringify(moduleUrl)});`,
    "tuneHeapForStreaming();",
    "globalThis.gc();",
  ].join("\n");
  const { stdout } = await run(
    process.execPath,
    ["--expose-gc", "--trace-gc-verbose", ...nodeFlags, "--input-type=module", "-e", script],
    { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
  );
  return [...stdout.matchAll(/\[HeapController\] Limit: .*\(([\d.]+)\)$/gm)].map((m) => m[1] ?? "");
}

describe("tuneHeapForStreaming", () => {
  it("makes V8 grow the old generation by the server's fixed factor", async () => {
    const factors = await growingFactors([]);
    expect(factors.length).toBeGreaterThan(0);
    const expected = (1 + SERVER_HEAP_GROWING_PERCENT / 100).toFixed(1);
    expect(factors.at(-1)).toBe(expected);
  });

  it("leaves an explicit --heap-growing-percent alone", async () => {
    expect(tuneHeapForStreaming(200, ["--heap-growing-percent=0"])).toBeUndefined();
    const factors = await growingFactors(["--heap-growing-percent=50"]);
    expect(factors.at(-1)).toBe("1.5");
  });
});
