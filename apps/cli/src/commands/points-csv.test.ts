import { describe, expect, it } from "vitest";
import { createSeriesSummary, parsePointLine, pointLine } from "./points-csv.js";

describe("points CSV lines", () => {
  it("round-trips keys with commas and quotes and the non-finite values", () => {
    const cases: [string, number, number, number][] = [
      ["val/acc", 3, 0.1 + 0.2, 1_700_000_000_000],
      ['odd,"key"', 0.5, Number.NaN, 0],
      ["a b", -2, Number.POSITIVE_INFINITY, 5],
      ['"', 1e21, Number.NEGATIVE_INFINITY, 6],
      ["tiny", 1, 5e-324, 7],
    ];
    for (const [key, step, value, time] of cases) {
      const line = pointLine(key, step, value, time);
      expect(line.endsWith("\n")).toBe(true);
      expect(parsePointLine(line.slice(0, -1))).toEqual({ key, step, value, time });
    }
    expect(pointLine('odd,"key"', 1, Number.NaN, 2)).toBe('"odd,""key""",1,NaN,2\n');
  });

  it("names what is wrong with a malformed line", () => {
    expect(parsePointLine("k,1,2")).toBe("expected 4 fields: key,step,value,time");
    expect(parsePointLine("k,NaN,2,3")).toBe("step 'NaN' is not a finite number");
    expect(parsePointLine("k,1,nan,3")).toBe("value 'nan' is not a number");
    expect(parsePointLine("k,1,,3")).toBe("value '' is not a number");
    expect(parsePointLine("k,1,2,-3")).toBe("time '-3' is not epoch milliseconds");
    expect(parsePointLine('"k,1,2,3')).toBe("unterminated quoted key");
    expect(parsePointLine(",1,2,3")).toBe("empty key");
  });
});

describe("series summaries of an export", () => {
  it("follows the server's definitions: NaN counted apart, ±Infinity in min/max, mean over finite values", () => {
    const s = createSeriesSummary("k");
    s.add(1, Number.NaN, 10);
    s.add(2, Number.POSITIVE_INFINITY, 11);
    s.add(0, 4, 12);
    s.add(2, 1, 11);
    s.add(2, 2, 9);
    expect(s.finish()).toEqual({
      key: "k",
      count: 5,
      nanCount: 1,
      last: 1,
      lastStep: 2,
      lastTime: 11,
      min: 1,
      max: "Infinity",
      mean: 7 / 3,
    });
    expect(createSeriesSummary("e").finish()).toMatchObject({ count: 0, last: null, min: null, mean: null });
  });
});
