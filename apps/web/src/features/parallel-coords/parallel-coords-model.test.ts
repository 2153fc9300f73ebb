import { describe, expect, it } from "vitest";
import { axisPosition, axisTicks, brushMask, buildAxes, type PcRow, rampColor } from "./parallel-coords-model.js";

const rows: PcRow[] = [
  { id: "a", name: "a", values: { lr: 0.1, opt: "adam", acc: 0.9 } },
  { id: "b", name: "b", values: { lr: 0.01, opt: "sgd", acc: 0.7 } },
  { id: "c", name: "c", values: { lr: 0.001, acc: 0.8 } },
];

describe("parallel coordinates model", () => {
  it("builds numeric and categorical axes", () => {
    const [lr, opt] = buildAxes(rows, ["lr", "opt"]);
    expect(lr).toEqual({ key: "lr", kind: "number", min: 0.001, max: 0.1 });
    expect(opt).toEqual({ key: "opt", kind: "category", categories: ["(missing)", "adam", "sgd"] });
  });

  it("places values on axes", () => {
    const [lr, opt] = buildAxes(rows, ["lr", "opt"]);
    if (!lr || !opt) throw new Error("axes");
    expect(axisPosition(lr, 0.1)).toBe(1);
    expect(axisPosition(lr, 0.001)).toBe(0);
    expect(axisPosition(lr, "x")).toBeNull();
    expect(axisPosition(opt, "sgd")).toBe(1);
    expect(axisPosition(opt, undefined)).toBe(0);
    expect(axisTicks(opt).map((t) => t.label)).toEqual(["(missing)", "adam", "sgd"]);
    expect(axisTicks(lr, 3).map((t) => t.label)).toEqual(["0.001", "0.0505", "0.1"]);
  });

  it("filters rows by brushes on several axes", () => {
    const axes = buildAxes(rows, ["lr", "acc"]);
    expect(brushMask(rows, axes, {})).toEqual([true, true, true]);
    expect(brushMask(rows, axes, { acc: [0.4, 1] })).toEqual([true, false, true]); // acc ≥ 0.8
    expect(brushMask(rows, axes, { acc: [1, 0.4], lr: [0, 0.5] })).toEqual([false, false, true]);
  });

  it("colours by metric from blue to orange", () => {
    expect(rampColor(0)).toBe("rgb(47,111,237)");
    expect(rampColor(1)).toBe("rgb(232,89,12)");
    expect(rampColor(5)).toBe(rampColor(1));
  });
});
