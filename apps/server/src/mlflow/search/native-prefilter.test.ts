import { parseFilter as parseNativeFilter } from "@looplab/core";
import { describe, expect, it } from "vitest";
import { parseFilter } from "./filter-parser.js";
import { nativePrefilter } from "./native-prefilter.js";

const prefilter = (mlflowFilter: string) => nativePrefilter(parseFilter(mlflowFilter));

describe("MLflow filter → native prefilter", () => {
  it("translates what the native language says exactly, and the native parser accepts it", () => {
    const cases: [string, string][] = [
      ["metrics.acc > 0.9", "metrics.acc.last > 0.9"],
      ["metrics.`my metric` >= 1", "metrics.`my metric`.last >= 1"],
      ["metrics.val/acc != -2", "metrics.val/acc.last != -2"],
      ["tags.team = 'Al\"pha'", 'tags.team = "Al\\"pha"'],
      ["tags.`mlflow.user` != 'x'", 'tags.`mlflow.user` != "x"'],
      ["attributes.run_id IN ('a', 'b')", 'id in ("a", "b")'],
      ["run_name = 'run1' and status = 'FAILED'", 'name = "run1" and status in ("failed", "crashed")'],
    ];
    for (const [mlflow, native] of cases) {
      expect(prefilter(mlflow)).toBe(native);
      expect(() => parseNativeFilter(native)).not.toThrow();
    }
  });

  it("leaves out what it cannot express with MLflow's meaning", () => {
    expect(prefilter("params.lr = '1'")).toBe("");
    expect(prefilter("tags.team LIKE 'a%'")).toBe("");
    expect(prefilter("tags.team IS NULL")).toBe("");
    expect(prefilter("start_time > 5")).toBe("");
    expect(prefilter("params.lr = '1' and metrics.acc < 1")).toBe("metrics.acc.last < 1");
  });
});
