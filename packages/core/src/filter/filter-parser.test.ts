import { describe, expect, it } from "vitest";
import { isLooplabError } from "../errors.js";
import type { FieldRef, FilterExpr } from "./filter-ast.js";
import { MAX_FILTER_DEPTH, parseFilter } from "./filter-parser.js";

/** A compact rendering of the tree, so precedence reads at a glance. */
function show(expr: FilterExpr | null): string {
  if (expr === null) return "<all>";
  switch (expr.kind) {
    case "and":
    case "or":
      return `(${expr.items.map(show).join(` ${expr.kind} `)})`;
    case "not":
      return `not ${show(expr.item)}`;
    case "compare":
      return `${field(expr.field)} ${expr.op} ${JSON.stringify(expr.value.value)}`;
    case "match":
      return `${field(expr.field)} ${expr.op} /${expr.pattern}/`;
    case "in":
      return `${field(expr.field)} ${expr.negated ? "not in" : "in"} [${expr.values.map((v) => JSON.stringify(v.value)).join(",")}]`;
    case "exists":
      return `${field(expr.field)} ${expr.negated ? "missing" : "exists"}`;
    case "has":
      return `${expr.scope} has ${JSON.stringify(expr.key)}`;
  }
}

function field(ref: FieldRef): string {
  switch (ref.kind) {
    case "attribute":
      return ref.name;
    case "config":
      return `config[${ref.segments.join("|")}]`;
    case "tag":
      return `tag[${ref.key}]`;
    case "metric":
      return `metric[${ref.key}].${ref.aggregate}${ref.explicitAggregate ? "" : "?"}`;
  }
}

const parsed = (text: string) => show(parseFilter(text));

function failure(text: string): { message: string; column: number } {
  try {
    parseFilter(text);
  } catch (error) {
    if (!isLooplabError(error)) throw error;
    expect(error.code).toBe("INVALID_ARGUMENT");
    const details = error.details as { column: number };
    return { message: error.message, column: details.column };
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe("parseFilter", () => {
  it("parses the example of DESIGN.md §6", () => {
    expect(parsed('config.lr < 0.01 and (tags.model = "resnet" or metrics.val/acc.max > 0.9) and name ~ "^abl-"')).toBe(
      '(config[lr] < 0.01 and (tag[model] = "resnet" or metric[val/acc].max > 0.9) and name ~ /^abl-/)',
    );
  });

  it("returns null for an empty filter", () => {
    expect(parseFilter("")).toBeNull();
    expect(parseFilter("   \n\t")).toBeNull();
  });

  it("binds not tighter than and, and tighter than or", () => {
    expect(parsed('name = "a" or name = "b" and name = "c"')).toBe('(name = "a" or (name = "b" and name = "c"))');
    expect(parsed('name = "a" and name = "b" or name = "c"')).toBe('((name = "a" and name = "b") or name = "c")');
    expect(parsed('not name = "a" and name = "b"')).toBe('(not name = "a" and name = "b")');
    expect(parsed('not not name = "a"')).toBe('not not name = "a"');
  });

  it("lets parentheses override precedence and flattens chains", () => {
    expect(parsed('(name = "a" or name = "b") and name = "c"')).toBe('((name = "a" or name = "b") and name = "c")');
    expect(parsed('not (name = "a" or name = "b")')).toBe('not (name = "a" or name = "b")');
    expect(parsed('name = "a" and (name = "b" and name = "c")')).toBe('(name = "a" and name = "b" and name = "c")');
    expect(parsed('((name = "a"))')).toBe('name = "a"');
  });

  it("reads keywords in any case", () => {
    expect(parsed('NOT name = "a" AND status IN ("running") Or host Is Not Null')).toBe(
      '((not name = "a" and status in ["running"]) or host exists)',
    );
  });

  it("parses every comparison operator", () => {
    for (const op of ["=", "!=", "<", "<=", ">", ">="]) {
      expect(parsed(`metrics.loss ${op} 1`)).toBe(`metric[loss].last? ${op} 1`);
    }
    expect(parsed("metrics.loss == 1")).toBe("metric[loss].last? = 1");
    expect(parsed("metrics.loss <> 1")).toBe("metric[loss].last? != 1");
    expect(parsed("metrics.loss>=-1")).toBe("metric[loss].last? >= -1");
  });

  it("parses number literals", () => {
    expect(parsed("config.lr < 1e-3")).toBe("config[lr] < 0.001");
    expect(parsed("config.lr > -2")).toBe("config[lr] > -2");
    expect(parsed("config.lr > .5")).toBe("config[lr] > 0.5");
    expect(parsed("config.lr > -0.5E2")).toBe("config[lr] > -50");
    expect(parsed("config.lr > 3.")).toBe("config[lr] > 3");
  });

  it("parses strings with either quote and escapes", () => {
    expect(parsed(`config.s = 'it\\'s'`)).toBe(`config[s] = "it's"`);
    expect(parsed(`config.s = "a\\"b\\\\c\\n\\u00e9"`)).toBe(`config[s] = "a\\"b\\\\c\\né"`);
    // Unknown escapes stay as written, so regexes read naturally.
    expect(parsed(String.raw`name ~ "^run-\d+$"`)).toBe(String.raw`name ~ /^run-\d+$/`);
  });

  it("parses booleans and null", () => {
    expect(parsed("config.amp = true")).toBe("config[amp] = true");
    expect(parsed("config.amp != FALSE")).toBe("config[amp] != false");
    expect(parsed("config.x = null")).toBe("config[x] missing");
    expect(parsed("config.x != null")).toBe("config[x] exists");
    expect(parsed("config.x is null")).toBe("config[x] missing");
    expect(parsed("group is not null")).toBe("group exists");
    expect(parsed("config.x exists")).toBe("config[x] exists");
    expect(parsed("config.x not exists")).toBe("config[x] missing");
  });

  it("parses in and not in lists", () => {
    expect(parsed('status in ("running", "queued")')).toBe('status in ["running","queued"]');
    expect(parsed("config.bs not in (32, 64,128)")).toBe("config[bs] not in [32,64,128]");
    expect(parsed('config.x in (1, "a", true)')).toBe('config[x] in [1,"a",true]');
  });

  it("parses has on tags, config and metrics", () => {
    expect(parsed('tags has "baseline"')).toBe('tags has "baseline"');
    expect(parsed('config HAS "optimizer"')).toBe('config has "optimizer"');
    expect(parsed("metrics has 'val/acc'")).toBe('metrics has "val/acc"');
    expect(parsed('not tags has "baseline" and tags.team = "vision"')).toBe(
      '(not tags has "baseline" and tag[team] = "vision")',
    );
  });

  it("parses dotted paths, keys with / - _ and backtick-quoted segments", () => {
    expect(parsed("config.optimizer.lr < 1")).toBe("config[optimizer|lr] < 1");
    expect(parsed("config.layers.0.size > 1")).toBe("config[layers|0|size] > 1");
    expect(parsed("metrics.val/acc.max > 1")).toBe("metric[val/acc].max > 1");
    expect(parsed("metrics.train-loss_2 < 1")).toBe("metric[train-loss_2].last? < 1");
    expect(parsed("metrics.val/acc > 1")).toBe("metric[val/acc].last? > 1");
    expect(parsed("metrics.loss.BEST < 1")).toBe("metric[loss].best < 1");
    expect(parsed("metrics.`val.acc`.max > 1")).toBe("metric[val.acc].max > 1");
    expect(parsed("metrics.`val.acc` > 1")).toBe("metric[val.acc].last? > 1");
    expect(parsed("config.`a.b`.c = 1")).toBe("config[a.b|c] = 1");
    expect(parsed('tags.`my tag` = "x"')).toBe('tag[my tag] = "x"');
    expect(parsed('tags.`a``b` = "x"')).toBe('tag[a`b] = "x"');
    expect(parsed('tags.my-tag/x = "x"')).toBe('tag[my-tag/x] = "x"');
  });

  it("converts times to epoch ms", () => {
    expect(parseFilter('createdAt >= "2024-05-01T12:00:00Z"')).toMatchObject({
      value: { kind: "number", value: Date.UTC(2024, 4, 1, 12) },
    });
    expect(parseFilter('startedAt < "2024-05-01"')).toMatchObject({ value: { value: Date.UTC(2024, 4, 1) } });
    // No offset means UTC, whatever the server's zone.
    expect(parseFilter('endedAt < "2024-05-01 08:30"')).toMatchObject({
      value: { value: Date.UTC(2024, 4, 1, 8, 30) },
    });
    expect(parseFilter('updatedAt < "2024-05-01T08:30:00+02:00"')).toMatchObject({
      value: { value: Date.UTC(2024, 4, 1, 6, 30) },
    });
    expect(parseFilter("createdAt > 1714564800000")).toMatchObject({ value: { value: 1714564800000 } });
    expect(parsed("duration > 60000")).toBe("duration > 60000");
  });

  it("records the column of every node", () => {
    expect(parseFilter('name = "a" and  metrics.loss < 2')).toMatchObject({
      kind: "and",
      column: 1,
      items: [
        { column: 1, value: { column: 8 } },
        { column: 17, field: { column: 17 }, value: { column: 32 } },
      ],
    });
  });
});

describe("parseFilter errors", () => {
  it("names the column and what was expected", () => {
    expect(failure("config.lr < ")).toEqual({ message: "filter: expected a value after '<' at column 13", column: 13 });
    expect(failure("config.lr <")).toMatchObject({ column: 12 });
    expect(failure('config.lr < 0.01 and (tags.model = "resnet" or )').message).toMatch(
      /expected a field, 'not' or '\(' after 'or', found '\)' at column 48$/,
    );
    expect(failure("config.lr 3")).toMatchObject({ column: 11 });
    expect(failure("config.lr 3").message).toContain("expected an operator");
    expect(failure('name = "a" name = "b"').message).toBe(
      "filter: expected 'and', 'or' or the end, found 'name' at column 12",
    );
    expect(failure("config.lr = resnet").message).toContain('quote text values: "resnet"');
  });

  it("rejects unbalanced parentheses", () => {
    expect(failure('(name = "a"')).toMatchObject({ column: 12 });
    expect(failure('(name = "a"').message).toContain("to close the '(' of column 1");
    expect(failure('name = "a")')).toEqual({ message: "filter: unmatched ')' at column 11", column: 11 });
    expect(failure("()")).toMatchObject({ column: 2 });
  });

  it("rejects bad tokens", () => {
    expect(failure('name = "abc')).toMatchObject({ column: 8 });
    expect(failure('name = "abc').message).toContain("unterminated string");
    expect(failure("name = 'x' & status = 'running'")).toMatchObject({ column: 12 });
    expect(failure("config.lr < 1.2.3")).toMatchObject({ column: 16 });
    expect(failure("config. = 1")).toMatchObject({ column: 8 });
    expect(failure("tags.`open = 1")).toMatchObject({ column: 6 });
    expect(failure("config.x = 'a\\u12'").message).toContain("hex digits");
  });

  it("rejects unknown fields and aggregates", () => {
    expect(failure('nme = "x"').message).toMatch(/^filter: unknown field 'nme' \(expected one of name, status/);
    expect(failure('name.first = "x"')).toMatchObject({ column: 1 });
    expect(failure("config = 1")).toMatchObject({ column: 7 });
    expect(failure("metrics.loss.median > 1")).toMatchObject({ column: 14 });
    expect(failure("metrics.loss.median > 1").message).toContain(
      "unknown aggregate 'median' (expected one of last, min, max, mean, count, best;",
    );
    expect(failure("metrics.train.loss > 1").message).toContain("metrics.`train.loss`");
    expect(failure("metrics.a.b.max > 1").message).toContain("metrics.`a.b`.max");
    expect(failure('tags.a.b = "x"')).toMatchObject({ column: 8 });
    expect(failure("`name` = 'x'").message).toContain("unknown field");
    expect(failure("metrics.`max`.`max` exists").message).toContain("unknown aggregate 'max'");
  });

  it("rejects type mismatches", () => {
    expect(failure("status < 3")).toMatchObject({ column: 10 });
    expect(failure("status < 3").message).toContain("'status' cannot be ordered");
    expect(failure('status = "done"').message).toContain("a run status (queued, running, finished");
    expect(failure('status in ("running", "done")')).toMatchObject({ column: 23 });
    expect(failure("name > 5").message).toContain("'name' compares with quoted strings, not the number 5");
    expect(failure("tags.seed = 42").message).toContain('tags are text: write "42"');
    expect(failure('metrics.loss < "1"').message).toContain("compares with numbers");
    expect(failure("metrics.loss.count > 1.5").message).toContain("whole numbers");
    expect(failure("config.amp < true").message).toContain("booleans cannot be ordered");
    expect(failure('createdAt > "yesterday"').message).toContain("ISO-8601");
    expect(failure("createdAt > 1.5").message).toContain("ISO-8601");
    expect(failure('duration > "1h"').message).toContain("whole milliseconds");
    expect(failure("config.x < null").message).toContain("null can only be compared with = or !=");
    expect(failure("config.x in (1, null)").message).toContain("null is not allowed in a list");
  });

  it("rejects bad regular expressions and non-text matches", () => {
    expect(failure('name ~ "("')).toMatchObject({ column: 8 });
    expect(failure('name ~ "("').message).toMatch(/^filter: invalid regular expression \(.*\) at column 8$/);
    expect(failure("metrics.loss ~ '1'").message).toContain("'~' needs a text field");
    expect(failure("name !~ 5").message).toContain("expected a quoted regular expression after '!~'");
  });

  it("rejects malformed in lists and has", () => {
    expect(failure('status in "running"').message).toContain("expected '(' after 'in'");
    expect(failure('status in ("running" "failed")')).toMatchObject({ column: 22 });
    expect(failure("status in ()").message).toContain("expected a value after '('");
    expect(failure("tags has baseline").message).toContain("expected a quoted key after 'tags has'");
    expect(failure('name is "x"').message).toContain("expected 'null' after 'is'");
  });

  it("bounds nesting", () => {
    const deep = `${"(".repeat(MAX_FILTER_DEPTH + 1)}name = "a"${")".repeat(MAX_FILTER_DEPTH + 1)}`;
    expect(failure(deep).message).toContain("nests more than");
    expect(failure(`${"not ".repeat(MAX_FILTER_DEPTH + 1)}name = "a"`).message).toContain("nests more than");
    const many = Array.from({ length: 300 }, (_, i) => `config.x = ${i}`).join(" or ");
    expect(failure(many).message).toContain("more than 256 conditions");
  });
});
