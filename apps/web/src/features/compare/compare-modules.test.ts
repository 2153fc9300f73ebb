import type { MetricSummary } from "@looplab/core";
import { describe, expect, it } from "vitest";
import { parseRunIds, referenceIndex } from "./compare-selection.js";
import { canonical, configDiff } from "./config-diff.js";
import { metricRows } from "./metric-deltas.js";

const id = (c: string) => c.repeat(32);
const summary = (over: Partial<MetricSummary>): MetricSummary => ({
  key: "k",
  count: 1,
  nanCount: 0,
  last: null,
  lastStep: null,
  lastTime: null,
  min: null,
  max: null,
  mean: null,
  ...over,
});

describe("compare: config diff", () => {
  it("shows only differing leaf paths unless asked for all", () => {
    const a = { lr: 0.1, opt: { name: "adam", betas: [0.9, 0.99] }, seed: 1 };
    const b = { lr: 0.01, opt: { name: "adam", betas: [0.9, 0.99] }, seed: 1, extra: true };
    expect(configDiff([a, b])).toEqual([
      { path: "extra", values: [undefined, true], differs: true },
      { path: "lr", values: [0.1, 0.01], differs: true },
    ]);
    expect(configDiff([a, b], true).map((r) => r.path)).toEqual(["extra", "lr", "opt.betas", "opt.name", "seed"]);
  });

  it("compares values by content and type", () => {
    expect(canonical({ b: 1, a: [1, { c: 2 }] })).toBe(canonical({ a: [1, { c: 2 }], b: 1 }));
    expect(configDiff([{ x: 1 }, { x: "1" }])).toHaveLength(1);
    expect(configDiff([{ x: null }, {}])).toHaveLength(1);
  });
});

describe("compare: metric deltas", () => {
  it("uses best for metrics with a goal, last otherwise, and colours by direction", () => {
    const runs = [
      {
        metrics: {
          loss: summary({ min: 0.5, last: 0.6 }),
          acc: summary({ max: 0.8, last: 0.7 }),
          lr: summary({ last: 1 }),
        },
      },
      {
        metrics: {
          loss: summary({ min: 0.4, last: 0.9 }),
          acc: summary({ max: 0.7, last: 0.7 }),
          lr: summary({ last: 2 }),
        },
      },
    ];
    const rows = metricRows(
      runs,
      0,
      new Map([
        ["loss", "min"],
        ["acc", "max"],
      ] as const),
    );
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey.loss?.basis).toBe("best");
    expect(byKey.loss?.cells[1]?.delta).toBeCloseTo(-0.1, 12);
    expect(byKey.loss?.cells[1]?.relative).toBeCloseTo(-0.2, 12);
    expect(byKey.loss?.cells[1]?.better).toBe(true); // lower loss is better
    expect(byKey.acc?.cells[1]?.better).toBe(false); // lower accuracy is worse
    expect(byKey.lr?.basis).toBe("last");
    expect(byKey.lr?.cells[1]?.better).toBeNull(); // no goal: no judgement
    expect(byKey.lr?.cells[0]).toEqual({ value: 1, delta: null, relative: null, better: null });
  });

  it("handles missing metrics and non-finite values", () => {
    const rows = metricRows([{ metrics: { x: summary({ last: "NaN" }) } }, { metrics: {} }], 0, new Map());
    expect(rows[0]?.cells[0]?.value).toBeNaN();
    expect(rows[0]?.cells[1]).toEqual({ value: null, delta: null, relative: null, better: null });
  });
});

describe("compare: selection from the URL", () => {
  it("keeps well-formed unique ids, at most 50", () => {
    expect(parseRunIds(`${id("a")}, ${id("b")},${id("a")},nope`)).toEqual({ ids: [id("a"), id("b")], dropped: 2 });
    const many = Array.from({ length: 60 }, (_, i) => i.toString(16).padStart(32, "0")).join(",");
    expect(parseRunIds(many).ids).toHaveLength(50);
    expect(referenceIndex([id("a"), id("b")], id("b"))).toBe(1);
    expect(referenceIndex([id("a"), id("b")], id("c"))).toBe(0);
  });
});
