import type { Run } from "@looplab/core";
import { describe, expect, it } from "vitest";
import { groupSpec, groupValueOf } from "./group-model.js";

const run = {
  id: "a".repeat(32),
  name: "r1",
  status: "running",
  group: "sweep-1",
  host: "gpu-2",
  tags: { team: "vision", baseline: "" },
  config: { model: { name: "resnet", depth: 50 }, lr: 0.001, flags: [1, 2] },
} as unknown as Run;

const valueBy = (groupBy: string) => {
  const spec = groupSpec(groupBy);
  if (!spec) throw new Error(`cannot group by ${groupBy}`);
  return groupValueOf(run, spec);
};

describe("a run's value of the grouping field", () => {
  it("reads nested config paths, tags and attributes as the group aggregates do", () => {
    expect(valueBy("config.model.name")).toBe("resnet");
    expect(valueBy("config.model.depth")).toBe(50);
    expect(valueBy("config.lr")).toBe(0.001);
    expect(valueBy("tags.team")).toBe("vision");
    expect(valueBy("tags.baseline")).toBe("");
    expect(valueBy("status")).toBe("running");
    expect(valueBy("group")).toBe("sweep-1");
    expect(valueBy("host")).toBe("gpu-2");
  });

  it("is null where the run lacks the field, and JSON for structured values", () => {
    expect(valueBy("config.model.width")).toBeNull();
    expect(valueBy("config.lr.inner")).toBeNull();
    expect(valueBy("tags.owner")).toBeNull();
    expect(valueBy("config.flags")).toBe("[1,2]");
  });
});
