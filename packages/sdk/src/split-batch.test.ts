import { describe, expect, it } from "vitest";
import { leftoversOfSplits, splitBatch } from "./split-batch.js";

const name = "000000000001000-abc-000000007.logMetrics.json";

describe("splitting a batch refused as too large", () => {
  it("halves the points under derived batch ids and names", () => {
    const body = JSON.stringify({ batchId: "r-s-7", points: [1, 2, 3].map((step) => ({ key: "k", step, value: 0 })) });
    const halves = splitBatch(name, body);
    expect(halves?.map((h) => h.name)).toEqual([
      "000000000001000-abc-000000007a.logMetrics.json",
      "000000000001000-abc-000000007b.logMetrics.json",
    ]);
    expect(halves?.map((h) => JSON.parse(h.body).batchId)).toEqual(["r-s-7a", "r-s-7b"]);
    expect(halves?.map((h) => h.points)).toEqual([2, 1]);
    expect(splitBatch(name, JSON.stringify({ batchId: "x", points: [{}] }))).toBeUndefined();
  });

  it("halves a columnar batch across and within series, keeping every point once", () => {
    const body = JSON.stringify({
      batchId: "r-s-7",
      series: [
        { key: "a", steps: [1, 2, 3], values: [1, "NaN", 3], times: [10, 20, 30] },
        { key: "b", steps: [1, 2], values: [4, 5], times: [10, 20] },
      ],
    });
    const halves = splitBatch(name, body);
    expect(halves?.map((h) => h.points)).toEqual([3, 2]);
    expect(halves?.map((h) => JSON.parse(h.body))).toEqual([
      { batchId: "r-s-7a", series: [{ key: "a", steps: [1, 2, 3], values: [1, "NaN", 3], times: [10, 20, 30] }] },
      { batchId: "r-s-7b", series: [{ key: "b", steps: [1, 2], values: [4, 5], times: [10, 20] }] },
    ]);
    const single = JSON.stringify({ series: [{ key: "a", steps: [1, 2, 3, 4, 5], values: [1, 2, 3, 4, 5] }] });
    expect(splitBatch(name, single)?.map((h) => JSON.parse(h.body))).toEqual([
      { series: [{ key: "a", steps: [1, 2, 3], values: [1, 2, 3] }] },
      { series: [{ key: "a", steps: [4, 5], values: [4, 5] }] },
    ]);
  });

  it("after a crash mid-split, keeps either the original or both halves, never both", () => {
    const a = name.replace("7.", "7a.");
    const b = name.replace("7.", "7b.");
    expect(leftoversOfSplits([name, a, b])).toEqual([name]);
    expect(leftoversOfSplits([name, a])).toEqual([a]);
    expect(leftoversOfSplits([a, b])).toEqual([]);
    const aa = name.replace("7.", "7aa.");
    expect(leftoversOfSplits([a, aa, b])).toEqual([aa]);
  });
});
