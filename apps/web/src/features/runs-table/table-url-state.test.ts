import { describe, expect, it } from "vitest";
import { nextSort, parseColumnId, parseColumns, primarySort } from "./column-model.js";
import { searchChoices } from "./key-catalog.js";
import { decodeSelection, encodeSelection, selectRange, toggle } from "./selection-model.js";
import { readTableState, splitList, viewQuery, writeTableState } from "./table-url-state.js";

describe("table URL state", () => {
  it("round-trips every part of the state and leaves defaults out", () => {
    const state = {
      filter: 'config.lr < 0.01 and tags.model = "resnet"',
      sort: "-metrics.val/acc.best,name",
      columns: ["name", "config.`a,b`", "metrics.val/acc.best"],
      group: "config.model",
      open: ['"resnet"', "null"],
      selection: { mode: "ids" as const, ids: ["a".repeat(32), "b".repeat(32)] },
    };
    const search = writeTableState(new URLSearchParams("smooth=0.6"), state);
    expect(search.get("smooth")).toBe("0.6");
    expect(readTableState(new URLSearchParams(search.toString()))).toEqual(state);
    const cleared = writeTableState(search, { filter: "", sort: "-createdAt", columns: null, group: null, open: [] });
    expect([...cleared.keys()].sort()).toEqual(["sel", "smooth"]);
    expect(viewQuery(search)).not.toHaveProperty("sel");
  });

  it("splits column lists outside backticks", () => {
    expect(splitList("name, config.`a,b`.c ,metrics.x.last")).toEqual(["name", "config.`a,b`.c", "metrics.x.last"]);
  });

  it("encodes selections, including select-all-matching with exclusions", () => {
    const all = { mode: "all" as const, except: ["c".repeat(32)] };
    expect(decodeSelection(encodeSelection(all))).toEqual(all);
    expect(encodeSelection({ mode: "ids", ids: [] })).toBeNull();
    const sel = selectRange(toggle(decodeSelection(null), "x"), ["y", "z"], true);
    expect(sel).toEqual({ mode: "ids", ids: ["x", "y", "z"] });
    expect(toggle(all, "c".repeat(32))).toEqual({ mode: "all", except: [] });
  });
});

describe("columns and sort", () => {
  it("parses column ids as fields of the filter language", () => {
    expect(parseColumnId("metrics.val/acc")).toMatchObject({
      id: "metrics.val/acc.last",
      kind: "metric",
      numeric: true,
    });
    expect(parseColumnId("config.`a.b`.c")).toMatchObject({ kind: "config", label: "a.b.c" });
    expect(parseColumnId("tags")).toMatchObject({ kind: "tags", sortable: false });
    expect(parseColumnId("nonsense.x")).toBeNull();
    expect(parseColumns(["name", "bogus(", "name", "status"]).map((c) => c.id)).toEqual(["name", "status"]);
  });

  it("cycles a header: numbers descending first, then ascending, then the default", () => {
    const acc = parseColumnId("metrics.val/acc.best") as NonNullable<ReturnType<typeof parseColumnId>>;
    const name = parseColumnId("name") as NonNullable<ReturnType<typeof parseColumnId>>;
    let sort = nextSort("-createdAt", acc, "-createdAt");
    expect(sort).toBe("-metrics.val/acc.best");
    sort = nextSort(sort, acc, "-createdAt");
    expect(sort).toBe("metrics.val/acc.best");
    expect(nextSort(sort, acc, "-createdAt")).toBe("-createdAt");
    expect(nextSort("-createdAt", name, "-createdAt")).toBe("name");
    expect(primarySort("-metrics.val/acc,name")).toEqual({ columnId: "metrics.val/acc.last", descending: true });
  });

  it("searches column choices by every word", () => {
    const choices = [
      { id: "config.optimizer.lr", label: "optimizer.lr", section: "config" as const },
      { id: "config.lr", label: "lr", section: "config" as const },
      { id: "metrics.val/acc.max", label: "val/acc max", section: "metrics" as const },
    ];
    expect(searchChoices(choices, "lr").map((c) => c.id)).toEqual(["config.lr", "config.optimizer.lr"]);
    expect(searchChoices(choices, "acc max").map((c) => c.id)).toEqual(["metrics.val/acc.max"]);
    expect(searchChoices(choices, "zzz")).toEqual([]);
  });
});
