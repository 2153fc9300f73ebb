import { describe, expect, it } from "vitest";
import { diffLines, splitLines, toUnifiedLines } from "./line-diff.js";

const apply = (ops: { kind: string; text: string }[], side: "a" | "b") =>
  ops.filter((o) => o.kind === "eq" || o.kind === (side === "a" ? "del" : "add")).map((o) => o.text);

describe("diffLines (Myers)", () => {
  it("finds the shortest edit script", () => {
    const a = splitLines("a\nb\nc\na\nb\nb\na\n");
    const b = splitLines("c\nb\na\nb\na\nc");
    const { ops, coarse } = diffLines(a, b);
    expect(coarse).toBe(false);
    expect(ops.filter((o) => o.kind !== "eq")).toHaveLength(5); // the classic example: D = 5
    expect(apply(ops, "a")).toEqual(a);
    expect(apply(ops, "b")).toEqual(b);
  });

  it("handles empty sides and identical inputs", () => {
    expect(diffLines([], ["x"]).ops).toEqual([{ kind: "add", text: "x" }]);
    expect(diffLines(["x"], []).ops).toEqual([{ kind: "del", text: "x" }]);
    expect(diffLines(["x", "y"], ["x", "y"]).ops.every((o) => o.kind === "eq")).toBe(true);
    expect(splitLines(null)).toEqual([]);
  });

  it("reconstructs both sides on random inputs", () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let t = 0; t < 50; t++) {
      const a = Array.from({ length: Math.floor(rand() * 30) }, () => "abcd"[Math.floor(rand() * 4)] as string);
      const b = Array.from({ length: Math.floor(rand() * 30) }, () => "abcd"[Math.floor(rand() * 4)] as string);
      const { ops } = diffLines(a, b);
      expect(apply(ops, "a")).toEqual(a);
      expect(apply(ops, "b")).toEqual(b);
    }
  });

  it("falls back to a coarse replace beyond the edit budget", () => {
    const a = Array.from({ length: 100 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 100 }, (_, i) => `b${i}`);
    const { ops, coarse } = diffLines(["same", ...a], ["same", ...b], 10);
    expect(coarse).toBe(true);
    expect(ops[0]).toEqual({ kind: "eq", text: "same" });
    expect(apply(ops, "b")).toEqual(["same", ...b]);
  });

  it("prints hunks with context", () => {
    const a = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
    const b = ["1", "2", "3", "4", "X", "6", "7", "8", "9"];
    expect(toUnifiedLines(diffLines(a, b).ops, 1)).toEqual([
      { kind: "hunk", text: "@@ A line 4, B line 4 @@" },
      { kind: "ctx", text: " 4" },
      { kind: "del", text: "-5" },
      { kind: "add", text: "+X" },
      { kind: "ctx", text: " 6" },
    ]);
  });
});
