import type { Bucket, SeriesWindow } from "@looplab/core";
import { describe, expect, it } from "vitest";
import { countMarks, prepareSeries, samplingLabel, samplingSummary } from "./bucket-series.js";

type W = number | "NaN" | "Infinity" | "-Infinity";
function bucket(
  s0: number,
  v0: W,
  s1: number,
  v1: W,
  min: W | null,
  max: W | null,
  count: number,
  nanCount = 0,
): Bucket {
  return {
    startStep: s0,
    endStep: s1,
    count,
    min,
    max,
    nanCount,
    first: { step: s0, value: v0, time: 1000 + s0 },
    last: { step: s1, value: v1, time: 1000 + s1 },
  };
}

const win = (buckets: Bucket[], sampled = true, totalPoints = 100): SeriesWindow => ({
  runId: "a".repeat(32),
  key: "loss",
  sampled,
  totalPoints,
  buckets,
});

describe("prepareSeries (bucket → band and line)", () => {
  it("draws a sampled bucket as its first and last point with the bucket's min–max as the band", () => {
    const s = prepareSeries(win([bucket(0, 1, 9, 2, 0.5, 50, 10), bucket(10, 2, 19, 3, 1.5, 3.5, 10)]));
    expect(s.steps).toEqual([0, 9, 10, 19]);
    expect(s.times).toEqual([1000, 1009, 1010, 1019]);
    expect(s.line).toEqual([1, 2, 2, 3]);
    // The spike (max 50) inside the first bucket is in the band even though no line point reaches it.
    expect(s.hi).toEqual([50, 50, 3.5, 3.5]);
    expect(s.lo).toEqual([0.5, 0.5, 1.5, 1.5]);
    expect(Math.max(...(s.hi as number[]))).toBe(50);
  });

  it("keeps exact points as one point each (band collapses onto the line)", () => {
    const s = prepareSeries(win([bucket(1, 0.3, 1, 0.3, 0.3, 0.3, 1), bucket(2, 0.2, 2, 0.2, 0.2, 0.2, 1)], false, 2));
    expect(s.steps).toEqual([1, 2]);
    expect(s.line).toEqual([0.3, 0.2]);
    expect(s.hi).toEqual(s.line);
    expect(s.sampled).toBe(false);
  });

  it("turns NaN and ±Infinity into gaps with marks instead of numbers", () => {
    const s = prepareSeries(
      win([
        bucket(0, "NaN", 0, "NaN", null, null, 1, 1),
        bucket(1, 2, 1, 2, 2, 2, 1),
        bucket(2, "Infinity", 2, "Infinity", "Infinity", "Infinity", 1),
        bucket(3, 1, 5, "-Infinity", "-Infinity", 4, 3),
      ]),
    );
    expect(s.line).toEqual([null, 2, null, 1, null]);
    expect(s.hi[0]).toBeNull();
    expect(s.lo[3]).toBe(1); // -Infinity min: the band ends at the finite values known
    expect(s.hi[3]).toBe(4);
    expect(s.marks.map((m) => [m.step, m.kind])).toEqual([
      [0, "nan"],
      [2, "+inf"],
      [3, "-inf"],
    ]);
    expect(countMarks([s])).toEqual({ nan: 1, inf: 2 });
  });

  it("counts NaN points hidden inside a bucket whose first and last are finite", () => {
    const s = prepareSeries(win([bucket(0, 1, 99, 2, 0, 3, 100, 7)]));
    expect(s.line).toEqual([1, 2]);
    expect(countMarks([s]).nan).toBe(7);
  });

  it("labels the panel marker with points and buckets", () => {
    const a = prepareSeries(win([bucket(0, 1, 9, 2, 0, 3, 10)], true, 10_000));
    const b = prepareSeries(win([bucket(0, 1, 9, 2, 0, 3, 10), bucket(10, 1, 19, 1, 1, 1, 10)], true, 2500));
    const summary = samplingSummary([a, b]);
    expect(summary).toEqual({ sampled: true, totalPoints: 12_500, buckets: 3 });
    expect(samplingLabel(summary)).toBe("sampled · 12,500 pts in 3 buckets");
    expect(samplingLabel({ sampled: false, totalPoints: 42, buckets: 42 })).toBe("exact · 42 pts");
  });
});
