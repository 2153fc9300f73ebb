import { describe, expect, it } from "vitest";
import { bestSoFar, formatParam, trialRows } from "./sweep-model.js";

const t = (number: number, value: number | string | null) => ({
  number,
  runId: `r${number}`,
  params: { lr: 0.1 * number },
  status: "finished",
  value,
});

describe("sweep model", () => {
  it("tracks the best value so far by goal, skipping trials without a finite value", () => {
    const trials = [t(3, 0.5), t(1, 0.7), t(2, null), t(4, "NaN"), t(5, 0.9)];
    expect(bestSoFar(trials, "min")).toEqual({ x: [1, 3, 5], value: [0.7, 0.5, 0.9], best: [0.7, 0.5, 0.5] });
    expect(bestSoFar(trials, "max").best).toEqual([0.7, 0.7, 0.9]);
  });

  it("makes one plot row per trial with the objective as an axis", () => {
    expect(trialRows([t(1, 0.7), t(2, "NaN")], "loss")).toEqual([
      { id: "r1", name: "#1", values: { lr: 0.1, loss: 0.7 } },
      { id: "r2", name: "#2", values: { lr: 0.2, loss: null } },
    ]);
    expect(formatParam(0.000123456)).toBe("0.0001235");
    expect(formatParam("adam")).toBe('"adam"');
  });
});
