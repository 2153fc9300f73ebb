import { describe, expect, it } from "vitest";
import { isLooplabError } from "../errors.js";
import { formatField } from "./filter-ast.js";
import { MAX_SORT_KEYS, parseSort } from "./sort-parser.js";

const shown = (text: string) => parseSort(text).map((k) => `${k.descending ? "-" : "+"}${formatField(k.field)}`);

function failure(text: string): { message: string; column: number } {
  try {
    parseSort(text);
  } catch (error) {
    if (!isLooplabError(error)) throw error;
    expect(error.code).toBe("INVALID_ARGUMENT");
    return { message: error.message, column: (error.details as { column: number }).column };
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe("parseSort", () => {
  it("parses keys, directions and metric aggregates", () => {
    expect(parseSort("-metrics.val/acc.max,name")).toEqual([
      {
        field: { kind: "metric", key: "val/acc", aggregate: "max", explicitAggregate: true, column: 2 },
        descending: true,
        column: 1,
      },
      { field: { kind: "attribute", name: "name", column: 22 }, descending: false, column: 22 },
    ]);
  });

  it("returns no keys for empty text", () => {
    expect(parseSort("")).toEqual([]);
    expect(parseSort("  ")).toEqual([]);
  });

  it("accepts every field, + and asc/desc", () => {
    expect(
      shown(" +createdAt , duration desc, config.`a.b`.c ASC, -tags.team, metrics.loss, metrics.`v.a`.best"),
    ).toEqual(["+createdAt", "-duration", "+config.`a.b`.c", "-tags.team", "+metrics.loss", "+metrics.`v.a`.best"]);
    expect(shown("-status,group,id,host,notes,startedAt,endedAt,updatedAt")).toHaveLength(8);
  });

  it("reports errors with columns", () => {
    expect(failure("name,")).toEqual({
      message: "sort: expected a field after ',', found the end of the text at column 6",
      column: 6,
    });
    expect(failure("-")).toMatchObject({ column: 2 });
    expect(failure("name name")).toMatchObject({ column: 6 });
    expect(failure("bogus").message).toContain("sort: unknown field 'bogus'");
    expect(failure("-metrics.loss.median")).toMatchObject({ column: 15 });
    expect(failure("name;").message).toContain("unexpected character ';'");
    expect(failure(Array.from({ length: MAX_SORT_KEYS + 1 }, () => "name").join(",")).message).toContain(
      `more than ${MAX_SORT_KEYS} sort keys`,
    );
  });
});
