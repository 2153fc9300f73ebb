import { describe, expect, it } from "vitest";
import { alignEntities, type ChartEntity, positiveOnly } from "./chart-data.js";
import type { XYBand } from "./x-axis.js";

const entity = (
  id: string,
  band: Partial<XYBand> & { x: number[]; line: (number | null)[] },
  smoothed = false,
): ChartEntity => {
  const full: XYBand = { lo: band.line, hi: band.line, steps: band.x, marks: [], ...band };
  return {
    id,
    label: id,
    color: "#000",
    band: full,
    smoothed: smoothed ? full.line.map((v) => (v === null ? null : v + 100)) : null,
  };
};

describe("alignEntities", () => {
  it("joins runs on one x column: missing x is undefined, gaps stay null", () => {
    const out = alignEntities(
      [entity("a", { x: [0, 2], line: [1, null] }), entity("b", { x: [1, 2], line: [5, 6] }, true)],
      1000,
    );
    expect(out.data[0]).toEqual([0, 1, 2]);
    expect(out.layout).toEqual([
      { hi: 1, lo: 2, line: 3, smooth: null },
      { hi: 4, lo: 5, line: 6, smooth: 7 },
    ]);
    expect(out.data[3]).toEqual([1, undefined, null]);
    expect(out.data[6]).toEqual([undefined, 5, 6]);
    expect(out.data[7]).toEqual([undefined, 105, 106]);
  });

  it("merges columns when there are more x than columns, keeping each column's min and max", () => {
    const x = Array.from({ length: 100 }, (_, i) => i);
    const line = x.map((i) => (i === 37 ? 1000 : 1));
    const out = alignEntities([entity("a", { x, line, lo: line, hi: line })], 10);
    expect(out.data[0].length).toBe(10);
    const hi = out.data[1] as number[];
    expect(Math.max(...hi)).toBe(1000); // the spike survives the merge in the band
    expect((out.data[3] as number[]).every((v) => v === 1)).toBe(true); // line: last value per column
  });

  it("drops non-positive values for a log scale", () => {
    expect(positiveOnly([1, 0, -2, null, 3])).toEqual([1, null, null, null, 3]);
  });
});
