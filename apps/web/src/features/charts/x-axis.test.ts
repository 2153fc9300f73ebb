import { describe, expect, it } from "vitest";
import type { PreparedSeries } from "./bucket-series.js";
import { floorIndex, pointNear, stepWindowForX, toXDomain } from "./x-axis.js";

const series = (steps: number[], times: number[]): PreparedSeries => ({
  runId: "r",
  key: "k",
  steps,
  times,
  line: steps.map((s) => s * 10),
  lo: steps.map((s) => s * 10 - 1),
  hi: steps.map((s) => s * 10 + 1),
  marks: [{ step: steps[1] ?? 0, time: times[1] ?? 0, kind: "nan", count: 1 }],
  sampled: false,
  totalPoints: steps.length,
  bucketCount: steps.length,
});

describe("x-axis transforms", () => {
  it("uses steps, seconds since the origin, or epoch seconds", () => {
    const s = series([0, 1, 2], [10_000, 12_000, 15_000]);
    expect(toXDomain(s, "step").x).toEqual([0, 1, 2]);
    expect(toXDomain(s, "relative", 9_000).x).toEqual([1, 3, 6]);
    expect(toXDomain(s, "relative").x).toEqual([0, 2, 5]); // origin defaults to the first point
    expect(toXDomain(s, "wall").x).toEqual([10, 12, 15]);
    expect(toXDomain(s, "relative", 9_000).marks).toEqual([{ x: 3, kind: "nan", count: 1 }]);
  });

  it("re-sorts points by time when time does not follow step (a resumed run)", () => {
    const band = toXDomain(series([0, 1, 2], [5_000, 1_000, 3_000]), "wall");
    expect(band.x).toEqual([1, 3, 5]);
    expect(band.steps).toEqual([1, 2, 0]);
    expect(band.line).toEqual([10, 20, 0]);
  });

  it("finds the nearest point and the floor index", () => {
    const band = toXDomain(series([0, 10, 20], [0, 0, 0]), "step");
    expect(floorIndex(band.x, -1)).toBe(-1);
    expect(floorIndex(band.x, 10)).toBe(1);
    expect(pointNear(band, 14)?.step).toBe(10);
    expect(pointNear(band, 16)?.step).toBe(20);
    expect(pointNear(band, 99)?.step).toBe(20);
  });

  it("maps a zoom range back to a step window", () => {
    const band = toXDomain(series([0, 10, 20, 30], [0, 1000, 2000, 3000]), "relative", 0);
    expect(stepWindowForX([band], "step", 2.5, 7.2)).toEqual({ startStep: 2, endStep: 8 });
    // 1.5 s – 2.5 s covers step 20, widened to its neighbours 10 and 30.
    expect(stepWindowForX([band], "relative", 1.5, 2.5)).toEqual({ startStep: 10, endStep: 30 });
    expect(stepWindowForX([band], "relative", 3, 2)).toBeNull();
  });
});
