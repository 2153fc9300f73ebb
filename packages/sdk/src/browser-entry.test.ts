import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const nodeBuiltins = new Set(builtinModules);

/** Every module reachable from `entry` through relative imports, with its bare imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [resolve(here, entry)];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (graph.has(file)) continue;
    const source = readFileSync(file, "utf8");
    const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/g)].map(
      (m) => m[1] as string,
    );
    graph.set(
      file,
      specifiers.filter((s) => !s.startsWith(".")),
    );
    for (const s of specifiers) if (s.startsWith(".")) pending.push(join(dirname(file), s.replace(/\.js$/, ".ts")));
  }
  return graph;
}

describe("package entries", () => {
  it("the default (browser) entry reaches no Node module", () => {
    const graph = importGraph("index.ts");
    const offenders = [...graph].flatMap(([file, bare]) =>
      bare.filter((s) => s.startsWith("node:") || nodeBuiltins.has(s)).map((s) => `${file}: ${s}`),
    );
    expect(offenders).toEqual([]);
    expect([...graph.values()].flat().every((s) => s === "@looplab/core" || s === "zod")).toBe(true);
    expect(graph.size).toBeGreaterThan(10);
  });

  it("the node entry exposes the same names, with Looplab wired to the Node platform", async () => {
    const browser = await import("./index.js");
    const node = await import("./node.js");
    for (const name of Object.keys(browser)) expect(node).toHaveProperty(name);
    expect(node.Looplab).not.toBe(browser.Looplab);
    expect(new node.Looplab({ url: "http://127.0.0.1:1", exitHooks: false })).toBeInstanceOf(browser.Looplab);
    expect(() => new browser.Looplab({ url: "http://127.0.0.1:1" })).not.toThrow();
  });
});
