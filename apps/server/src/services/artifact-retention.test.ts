import { describe, expect, it } from "vitest";
import { decideRetention } from "./artifact-retention.js";
import { commonFolder } from "./artifact-views.js";

const cps = (values: (number | null)[]) =>
  values.map((v, i) => ({ step: (i + 1) * 10, metrics: v === null ? null : { "val/acc": v } }));

describe("decideRetention", () => {
  it("keeps exactly the best k and the last n, with reasons", () => {
    const kept = decideRetention(cps([0.5, 0.9, 0.7, 0.95, 0.6, 0.8]), {
      keepLast: 2,
      keepBest: 2,
      metric: "val/acc",
      direction: "max",
    });
    expect([...kept.keys()].sort((a, b) => a - b)).toEqual([20, 40, 50, 60]);
    expect(kept.get(40)).toEqual(["best"]);
    expect(kept.get(60)).toEqual(["last"]);
  });

  it("ranks by min, ignores checkpoints without the metric, and lets one checkpoint be both", () => {
    const kept = decideRetention(cps([0.3, null, 0.1, Number.NaN, 0.05]), {
      keepLast: 1,
      keepBest: 2,
      metric: "val/acc",
      direction: "min",
    });
    expect([...kept.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [30, ["best"]],
      [50, ["last", "best"]],
    ]);
  });

  it("keeps nothing beyond keepLast when keepBest is 0, and the later step on ties", () => {
    expect([
      ...decideRetention(cps([1, 2, 3]), { keepLast: 1, keepBest: 0, metric: null, direction: "max" }).keys(),
    ]).toEqual([30]);
    const tie = decideRetention(cps([0.5, 0.5, 0.1]), {
      keepLast: 0,
      keepBest: 1,
      metric: "val/acc",
      direction: "max",
    });
    expect([...tie.keys()]).toEqual([20]);
  });
});

describe("commonFolder", () => {
  it("names a checkpoint by its files' folder", () => {
    expect(commonFolder(["ckpt/step-1/a.pt", "ckpt/step-1/b/c.pt"])).toBe("ckpt/step-1/");
    expect(commonFolder(["model.pt"])).toBe("model.pt");
    expect(commonFolder(["a.pt", "b.pt"])).toBe("");
  });
});
