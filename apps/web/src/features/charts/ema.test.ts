import { describe, expect, it } from "vitest";
import { emaSmooth } from "./ema.js";

describe("emaSmooth (debiased like TensorBoard)", () => {
  it("is the identity at weight 0", () => {
    expect(emaSmooth([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });

  it("debiases the start: the first smoothed value equals the first value", () => {
    const out = emaSmooth([10, 0, 0], 0.9);
    expect(out[0]).toBeCloseTo(10, 12);
    // second: (0.9*0.1*10 + 0.1*0) / (1 - 0.81) = 0.9/0.19
    expect(out[1]).toBeCloseTo(0.9 / 0.19, 12);
  });

  it("matches TensorBoard's formula on a longer series", () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    const w = 0.6;
    let last = 0;
    const expected = values.map((v, i) => {
      last = last * w + (1 - w) * v;
      return last / (1 - w ** (i + 1));
    });
    const got = emaSmooth(values, w);
    got.forEach((g, i) => {
      expect(g).toBeCloseTo(expected[i] as number, 12);
    });
  });

  it("passes gaps through without resetting the average", () => {
    const out = emaSmooth([2, null, Number.NaN, 4], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeNaN();
    // n = 2 at the last point: (0.5*0.5*2 + 0.5*4) / (1 - 0.25)
    expect(out[3]).toBeCloseTo((0.5 + 2) / 0.75, 12);
  });

  it("keeps a constant series exactly constant", () => {
    expect(emaSmooth([0.1, 0.1, 0.1, 0.1], 0.95)).toEqual([0.1, 0.1, 0.1, 0.1]);
  });
});
