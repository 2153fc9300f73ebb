import { describe, expect, it } from "vitest";
import { LooplabError } from "../errors.js";
import { applyAssignments, expandOverrides, parseOverride } from "./config-overrides.js";
import { parseConfigValue, renderConfigValue, splitConfigList } from "./config-value.js";

function errorOf(fn: () => unknown): LooplabError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LooplabError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("parseConfigValue", () => {
  it("types numbers, booleans, null, JSON and strings", () => {
    expect(parseConfigValue("0.01")).toBe(0.01);
    expect(parseConfigValue("1e-3")).toBe(0.001);
    expect(parseConfigValue("-3")).toBe(-3);
    expect(parseConfigValue(".5")).toBe(0.5);
    expect(parseConfigValue("true")).toBe(true);
    expect(parseConfigValue("false")).toBe(false);
    expect(parseConfigValue("null")).toBe(null);
    expect(parseConfigValue("[1, 2, 3]")).toEqual([1, 2, 3]);
    expect(parseConfigValue('{"a": {"b": 1}}')).toEqual({ a: { b: 1 } });
    expect(parseConfigValue("adam")).toBe("adam");
    expect(parseConfigValue("1e")).toBe("1e");
    expect(parseConfigValue("0x10")).toBe("0x10");
  });

  it("keeps quoted text as strings", () => {
    expect(parseConfigValue('"3"')).toBe("3");
    expect(parseConfigValue("'true'")).toBe("true");
    expect(parseConfigValue('"a\\"b"')).toBe('a"b');
    expect(parseConfigValue("'a,b'")).toBe("a,b");
  });

  it("unescapes commas in bare text", () => {
    expect(parseConfigValue("a\\,b")).toBe("a,b");
  });

  it("renders values as a program expects them", () => {
    expect(renderConfigValue(0.001)).toBe("0.001");
    expect(renderConfigValue(1e-7)).toBe("1e-7");
    expect(renderConfigValue(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(renderConfigValue(3)).toBe("3");
    expect(renderConfigValue("adam")).toBe("adam");
    expect(renderConfigValue(true)).toBe("true");
    expect(renderConfigValue(null)).toBe("null");
    expect(renderConfigValue({ a: [1, "x"] })).toBe('{"a":[1,"x"]}');
  });
});

describe("splitConfigList", () => {
  it("splits at top-level commas only", () => {
    expect(splitConfigList("3,4")).toEqual(["3", "4"]);
    expect(splitConfigList("[1,2],[3,4]")).toEqual(["[1,2]", "[3,4]"]);
    expect(splitConfigList('"a,b",c')).toEqual(['"a,b"', "c"]);
    expect(splitConfigList("a\\,b,c")).toEqual(["a\\,b", "c"]);
    expect(splitConfigList('{"x":1,"y":2}')).toEqual(['{"x":1,"y":2}']);
  });
});

describe("parseOverride", () => {
  it("parses a dotted key and its values", () => {
    expect(parseOverride("model.depth=3,4")).toEqual({ text: "model.depth=3,4", path: "model.depth", values: [3, 4] });
    expect(parseOverride("name=")).toMatchObject({ values: [""] });
    expect(parseOverride("layers=[64,64]")).toMatchObject({ values: [[64, 64]] });
  });

  it("names the override in every error", () => {
    const noEquals = errorOf(() => parseOverride("lr"));
    expect(noEquals.code).toBe("INVALID_ARGUMENT");
    expect(noEquals.message).toBe("override 'lr': expected KEY=VALUE (e.g. lr=0.01 or model.depth=3,4)");
    expect(noEquals.details).toEqual({ override: "lr" });
    expect(errorOf(() => parseOverride("model..depth=3")).message).toBe(
      "override 'model..depth=3': 'model..depth' is not a dotted key (e.g. model.depth)",
    );
    expect(errorOf(() => parseOverride("=3")).message).toContain("override '=3'");
    expect(errorOf(() => parseOverride("layers=[1,2")).message).toMatch(
      /^override 'layers=\[1,2': malformed JSON \[1,2/,
    );
    expect(errorOf(() => parseOverride('name="abc')).message).toBe(`override 'name="abc': unterminated double quote`);
  });
});

describe("expandOverrides", () => {
  const defaults = { model: { width: 256, depth: 2 }, lr: 1e-3, epochs: 20 };

  it("returns the defaults alone without overrides", () => {
    expect(expandOverrides(defaults, [])).toEqual([defaults]);
  });

  it("applies dotted overrides without touching the defaults", () => {
    const [config] = expandOverrides(defaults, ["lr=0.01", "model.depth=3", "optimizer.name=adam"]);
    expect(config).toEqual({ model: { width: 256, depth: 3 }, lr: 0.01, epochs: 20, optimizer: { name: "adam" } });
    expect(defaults.model.depth).toBe(2);
  });

  it("expands comma lists to a grid, first override varying slowest", () => {
    const configs = expandOverrides(defaults, ["lr=0.1,0.01", "model.depth=3,4,5"]);
    expect(configs.map((c) => [c.lr, (c.model as { depth: number }).depth])).toEqual([
      [0.1, 3],
      [0.1, 4],
      [0.1, 5],
      [0.01, 3],
      [0.01, 4],
      [0.01, 5],
    ]);
  });

  it("keeps escaped and quoted commas in one value", () => {
    const configs = expandOverrides({}, ["tag=a\\,b", "note='x,y',z"]);
    expect(configs).toEqual([
      { tag: "a,b", note: "x,y" },
      { tag: "a,b", note: "z" },
    ]);
  });

  it("refuses repeated, nested and impossible paths, naming the override", () => {
    expect(errorOf(() => expandOverrides(defaults, ["lr=1", "lr=2"])).message).toBe(
      "override 'lr=2': 'lr' is already set by 'lr=1'",
    );
    expect(errorOf(() => expandOverrides(defaults, ["model={}", "model.depth=3"])).message).toBe(
      "override 'model.depth=3': 'model.depth' is inside 'model', which 'model={}' sets whole",
    );
    expect(errorOf(() => expandOverrides(defaults, ["lr.x=1"])).message).toBe(
      "override 'lr.x=1': 'lr' is not an object",
    );
  });

  it("caps the grid size", () => {
    const list = Array.from({ length: 101 }, (_, i) => i).join(",");
    expect(errorOf(() => expandOverrides({}, [`a=${list}`, `b=${list}`])).message).toMatch(
      /expand to 10201 configurations; at most 10000/,
    );
  });

  it("applyAssignments sets dotted keys on a copy", () => {
    expect(applyAssignments(defaults, { "model.width": 512, "extra.flag": [true] })).toEqual({
      model: { width: 512, depth: 2 },
      lr: 1e-3,
      epochs: 20,
      extra: { flag: [true] },
    });
    expect(defaults.model.width).toBe(256);
  });
});
