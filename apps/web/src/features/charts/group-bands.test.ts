import { describe, expect, it } from "vitest";
import { alignmentGrid, groupMeanStd, lineAt } from "./group-bands.js";
import type { XYBand } from "./x-axis.js";

const band = (x: number[], line: (number | null)[]): XYBand => ({ x, line, lo: line, hi: line, steps: x, marks: [] });

describe("group mean ± std", () => {
  it("interpolates a run's line and refuses to extrapolate or cross gaps", () => {
    const b = band([0, 10, 20], [0, 10, null]);
    expect(lineAt(b, 5)).toBe(5);
    expect(lineAt(b, 10)).toBe(10);
    expect(lineAt(b, 15)).toBeNull();
    expect(lineAt(b, -1)).toBeNull();
    expect(lineAt(b, 25)).toBeNull();
  });

  it("aligns runs logged at the same steps exactly", () => {
    const g = groupMeanStd([band([0, 1, 2], [1, 2, 3]), band([0, 1, 2], [3, 4, 5])], 100);
    expect(g.x).toEqual([0, 1, 2]);
    expect(g.line).toEqual([2, 3, 4]);
    const std = Math.SQRT2; // sample std of {1, 3}
    expect(g.hi[0]).toBeCloseTo(2 + std, 12);
    expect(g.lo[0]).toBeCloseTo(2 - std, 12);
    expect(g.n).toEqual([2, 2, 2]);
  });

  it("aligns runs logged at different steps by interpolation, counting only runs present", () => {
    const g = groupMeanStd([band([0, 10], [0, 10]), band([5, 20], [5, 20])], 100);
    expect(g.x).toEqual([0, 5, 10, 20]);
    expect(g.line).toEqual([0, 5, 10, 20]);
    expect(g.n).toEqual([1, 2, 2, 1]);
    expect(g.hi[0]).toBe(0); // one run: std 0
  });

  it("falls back to an even grid when the runs have too many distinct x", () => {
    const grid = alignmentGrid([band([0, 1, 2, 3, 4], [0, 0, 0, 0, 0]), band([0.5, 1.5], [0, 0])], 3);
    expect(grid).toEqual([0, 2, 4]);
  });

  it("stays accurate when the mean is large next to the spread", () => {
    const g = groupMeanStd([band([0], [1e9 + 1]), band([0], [1e9 + 3])], 10);
    expect((g.hi[0] as number) - (g.line[0] as number)).toBeCloseTo(Math.SQRT2, 6);
  });
});
