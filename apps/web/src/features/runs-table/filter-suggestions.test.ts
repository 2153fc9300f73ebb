import { describe, expect, it } from "vitest";
import {
  applySuggestion,
  completionContext,
  filterProblem,
  problemFromMessage,
  suggest,
} from "./filter-suggestions.js";
import type { KeyCatalog } from "./key-catalog.js";

const catalog: KeyCatalog = {
  config: [
    { path: "lr", segments: ["lr"] },
    { path: "optimizer.name", segments: ["optimizer", "name"] },
  ],
  metrics: [{ key: "val/acc", goal: "max" }, { key: "loss" }],
  tags: ["model", "my tag"],
  truncated: false,
};
const labels = (text: string, cursor = text.length, values?: string[]) =>
  suggest(completionContext(text, cursor), catalog, { limit: 50, values }).map((s) => s.label);

describe("filter completion context", () => {
  it("knows whether a field, operator, value or connective comes next", () => {
    expect(completionContext("", 0)).toMatchObject({ kind: "field", from: 0, prefix: "" });
    expect(completionContext("conf", 4)).toMatchObject({ kind: "field", from: 0, prefix: "conf" });
    expect(completionContext("config.lr ", 10)).toMatchObject({ kind: "operator", field: "config.lr" });
    expect(completionContext("config.lr < ", 12)).toMatchObject({ kind: "value", field: "config.lr" });
    expect(completionContext('tags.model = "res', 17)).toMatchObject({ kind: "value", prefix: "res", from: 13 });
    expect(completionContext("config.lr < 0.1 ", 16)).toMatchObject({ kind: "connective" });
    expect(completionContext("config.lr < 0.1 and (me", 23)).toMatchObject({ kind: "field", prefix: "me", from: 21 });
    expect(completionContext('status in ("failed", ', 21)).toMatchObject({ kind: "value", field: "status" });
    expect(completionContext("tags has ", 9)).toMatchObject({ kind: "value", field: "tags" });
  });

  it("offers matching keys, goal-aware metric aggregates and values", () => {
    expect(labels("config.")).toEqual(["config.lr", "config.optimizer.name"]);
    const metrics = labels("metrics.val");
    expect(metrics).toContain("metrics.val/acc.best");
    expect(labels("metrics.loss")).not.toContain("metrics.loss.best");
    expect(labels("tags.my")).toEqual(["tags.`my tag`"]);
    expect(labels('tags.model = "r', undefined, ['"resnet"', '"vit"'])).toEqual(['"resnet"']);
    expect(labels("tags.model = ")).toEqual([]);
    expect(labels("status = ")).toContain('"failed"');
    expect(labels("status ")).toEqual(["=", "!=", "in (", "not in ("]);
    expect(labels("tags has ")).toEqual(['"model"', '"my tag"']);
    expect(labels("config.lr < 0.1 a")).toEqual(["and"]);
  });

  it("replaces the typed token with the chosen suggestion", () => {
    const text = "config.lr < 0.1 and met";
    const ctx = completionContext(text, text.length);
    const pick = suggest(ctx, catalog).find((s) => s.label === "metrics.val/acc.max");
    expect(pick).toBeDefined();
    expect(applySuggestion(text, ctx, pick as never)).toEqual({
      text: "config.lr < 0.1 and metrics.val/acc.max ",
      cursor: 40,
    });
    const inCtx = completionContext("status ", 7);
    expect(applySuggestion("status ", inCtx, { label: "in (", insert: "in (", kind: "operator" })).toEqual({
      text: "status in (",
      cursor: 11,
    });
  });
});

describe("filter errors", () => {
  it("points at the column where the core parser failed", () => {
    expect(filterProblem("")).toBeNull();
    expect(filterProblem('config.lr < 0.01 and tags.model = "resnet"')).toBeNull();
    expect(filterProblem("config.lr < ")).toMatchObject({ column: 13 });
    expect(filterProblem("config.lr < 0.1 and and")).toMatchObject({ column: 21 });
    expect(filterProblem("metrics.loss.median > 1")?.message).toContain("unknown aggregate");
  });

  it("reads the column of a server 400 from its details or message", () => {
    expect(problemFromMessage("filter: expected a value at column 7", { column: 7 })).toEqual({
      message: "expected a value at column 7",
      column: 7,
    });
    expect(problemFromMessage("filter: bad at column 3", undefined).column).toBe(3);
  });
});
