import { describe, expect, it } from "vitest";
import { mannWhitneyU, rankWithTies } from "./mann-whitney.js";
import { normalCdf } from "./normal.js";

describe("rankWithTies", () => {
  it("gives tied values their average rank and sums t³ − t over ties", () => {
    expect(rankWithTies([10, 20, 20, 30, 20])).toEqual({ ranks: [1, 3, 3, 5, 3], tieTerm: 24 });
    expect(rankWithTies([3, 1, 2])).toEqual({ ranks: [3, 1, 2], tieTerm: 0 });
  });
});

describe("mannWhitneyU", () => {
  it("matches a hand computation on separated samples", () => {
    // x = 1..5 below y = 6..10: U = 0, mean 12.5, variance 5·5·11/12 = 22.916…,
    // z = (0 − 12.5 + 0.5)/√22.916… = −2.50672, p = Φ(−2.50672) = 0.0060929.
    const result = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], { alternative: "less" });
    expect(result.u).toBe(0);
    expect(result.uOther).toBe(25);
    expect(result.z).toBeCloseTo(-12 / Math.sqrt((25 * 11) / 12), 12);
    expect(result.pValue).toBeCloseTo(0.006092890177672406, 9);
    expect(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], { alternative: "greater" }).pValue).toBeCloseTo(1, 2);
  });

  it("matches scipy.stats.mannwhitneyu (asymptotic) with ties", () => {
    const x = [1.1, 2.2, 2.2, 3.5, 4.0, 4.0, 5.1];
    const y = [2.2, 3.0, 4.0, 6.0, 7.5, 8.0];
    // scipy 1.17: statistic 11.0; less 0.08498395380113799, greater 0.9353363927234479,
    // two-sided 0.16996790760227598, less without continuity 0.07429446543518757.
    expect(mannWhitneyU(x, y, { alternative: "less" })).toMatchObject({ u: 11 });
    expect(mannWhitneyU(x, y, { alternative: "less" }).pValue).toBeCloseTo(0.08498395380113799, 10);
    expect(mannWhitneyU(x, y, { alternative: "greater" }).pValue).toBeCloseTo(0.9353363927234479, 10);
    expect(mannWhitneyU(x, y).pValue).toBeCloseTo(0.16996790760227598, 10);
    expect(mannWhitneyU(x, y, { alternative: "less", continuity: false }).pValue).toBeCloseTo(0.07429446543518757, 10);
  });

  it("handles all-tied samples and refuses empty or NaN samples", () => {
    expect(mannWhitneyU([1, 1], [1, 1, 1])).toMatchObject({ u: 3, pValue: 1 });
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
    expect(() => mannWhitneyU([Number.NaN], [1])).toThrow(/NaN/);
  });

  it("uses a normal CDF that matches the tables", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 12);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 9);
    expect(normalCdf(-1.644853626951472)).toBeCloseTo(0.05, 9);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
  });
});
