import type { SeriesWindow } from "@looplab/core";
import { describe, expect, it } from "vitest";
import { buildPanelModel } from "./panel-model.js";

const exact = (runId: string, values: number[]): SeriesWindow => ({
  runId,
  key: "loss",
  sampled: false,
  totalPoints: values.length,
  buckets: values.map((v, step) => ({
    startStep: step,
    endStep: step,
    count: 1,
    min: v,
    max: v,
    nanCount: 0,
    first: { step, value: v, time: 1000 * step },
    last: { step, value: v, time: 1000 * step },
  })),
});
const runs = [
  { id: "a", name: "A", group: "g" },
  { id: "b", name: "B", group: "g" },
  { id: "c", name: "C", group: null },
];
const base = { mode: "runs" as const, xAxis: "step" as const, smoothing: 0, logY: false, maxColumns: 1000 };

describe("buildPanelModel", () => {
  it("draws one entity per run with its name and colour, in the order of the runs", () => {
    const m = buildPanelModel([exact("b", [1, 2]), exact("a", [3, 4])], runs, base);
    expect(m.entities.map((e) => e.label)).toEqual(["B", "A"]);
    expect(m.entities[1]?.color).not.toBe(m.entities[0]?.color);
    expect(m.sampling).toEqual({ sampled: false, totalPoints: 4, buckets: 4 });
  });

  it("averages groups, keeping runs without a group apart", () => {
    const m = buildPanelModel([exact("a", [1, 3]), exact("b", [3, 5]), exact("c", [9, 9])], runs, {
      ...base,
      mode: "groups",
    });
    expect(m.entities.map((e) => e.label)).toEqual(["g (2)", "(no group) (1)"]);
    expect(m.entities[0]?.band.line).toEqual([2, 4]);
  });

  it("smooths, and drops non-positive values from the drawing only on a log scale", () => {
    const m = buildPanelModel([exact("a", [0, 10, 20])], runs, { ...base, smoothing: 0.5, logY: true });
    const layout = m.chart.layout[0];
    if (!layout || layout.smooth === null) throw new Error("expected a smoothed series");
    expect(m.chart.data[layout.line]).toEqual([null, 10, 20]);
    expect(m.entities[0]?.band.line).toEqual([0, 10, 20]); // the legend keeps the real values
    expect(m.entities[0]?.smoothed?.[0]).toBe(0);
  });

  it("changes its shape only when the layout changes", () => {
    const a = buildPanelModel([exact("a", [1])], runs, base);
    const b = buildPanelModel([exact("a", [1, 2, 3])], runs, base);
    const c = buildPanelModel([exact("a", [1])], runs, { ...base, logY: true });
    expect(a.shape).toBe(b.shape);
    expect(a.shape).not.toBe(c.shape);
  });
});
