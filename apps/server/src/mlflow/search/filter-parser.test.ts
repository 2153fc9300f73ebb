import { describe, expect, it } from "vitest";
import { MlflowError } from "../mlflow-errors.js";
import { experimentGrammar, parseFilter, parseOrderBy } from "./filter-parser.js";
import { matchesAll, type Searchable } from "./run-matcher.js";

const run: Searchable = {
  attributes: {
    run_id: "r1",
    run_name: "run1",
    status: "RUNNING",
    user_id: "ada",
    artifact_uri: "",
    start_time: 5,
    end_time: null,
  },
  params: { lr: "1", "optim.name": "adam" },
  tags: { team: "Alpha", "my tag": "x_y" },
  metrics: { acc: 0.9, "my metric": 2, bad: Number.NaN },
  datasets: [{ name: "digits", digest: "abc", context: "train" }],
};
const match = (filter: string) => matchesAll(run, parseFilter(filter));

describe("MLflow filter grammar", () => {
  it("parses entities, aliases, quoted keys and comparators", () => {
    expect(parseFilter("metrics.`my metric` >= 1 and params.lr = '1'")).toEqual([
      { type: "metric", key: "my metric", comparator: ">=", value: 1 },
      { type: "param", key: "lr", comparator: "=", value: "1" },
    ]);
    expect(parseFilter('tag."my tag" IS NOT NULL')[0]).toMatchObject({ type: "tag", key: "my tag" });
    expect(parseFilter("attr.`Run Name` != 'x'")[0]).toMatchObject({ type: "attribute", key: "run_name" });
    expect(parseFilter("created > 3")[0]).toMatchObject({ type: "attribute", key: "start_time" });
    expect(parseFilter("run_id NOT IN ('a', \"b\")")[0]).toMatchObject({ comparator: "NOT IN", value: ["a", "b"] });
    expect(parseFilter("metrics.x <> -1.5e3")[0]).toMatchObject({ comparator: "!=", value: -1500 });
    expect(parseFilter("")).toEqual([]);
  });

  it("evaluates with MLflow semantics", () => {
    expect(match("metrics.acc > 0.5 AND tags.team = 'Alpha'")).toBe(true);
    expect(match("tags.team LIKE 'a%'")).toBe(false);
    expect(match("tags.team ILIKE 'a%'")).toBe(true);
    expect(match("tags.`my tag` LIKE 'x\\_y'")).toBe(true);
    expect(match("params.lr = '1.0'")).toBe(false);
    expect(match("params.missing != 'x'")).toBe(false);
    expect(match("params.missing IS NULL")).toBe(true);
    expect(match("metrics.bad != 1")).toBe(false);
    expect(match("params.`optim.name` = 'adam'")).toBe(true);
    expect(match("datasets.name = 'digits' and dataset.context IN ('train')")).toBe(true);
    expect(match("start_time >= 5 and status = 'RUNNING'")).toBe(true);
  });

  it("rejects what MLflow rejects, as INVALID_PARAMETER_VALUE", () => {
    for (const bad of [
      "metrics.a > 1 or metrics.b > 1",
      "(metrics.a > 1)",
      "metrics.a > '1'",
      "params.lr > '1'",
      "params.lr IN ('1')",
      "status IN ('RUNNING')",
      "tags.t = 1",
      "foo = 'x'",
      "metrics.a",
      "metrics.a = 1 and",
      "metrics.a = 1 metrics.b = 2",
      "tags.t = 'x",
      "metrics.a # 1",
    ]) {
      let error: unknown;
      try {
        parseFilter(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(MlflowError);
      expect((error as MlflowError).errorCode).toBe("INVALID_PARAMETER_VALUE");
    }
  });

  it("parses order_by and the experiment grammar", () => {
    expect(parseOrderBy(["metrics.rmse DESC", "attributes.start_time", "params.`a b` asc"])).toEqual([
      { type: "metric", key: "rmse", ascending: false },
      { type: "attribute", key: "start_time", ascending: true },
      { type: "param", key: "a b", ascending: true },
    ]);
    expect(() => parseOrderBy(["metrics.x up"])).toThrow(MlflowError);
    expect(parseFilter("name LIKE 'a%' and tags.k = 'v'", experimentGrammar)).toHaveLength(2);
    expect(() => parseFilter("metrics.a > 1", experimentGrammar)).toThrow(MlflowError);
    expect(parseOrderBy(["experiment_id DESC"], experimentGrammar)[0]).toMatchObject({ key: "experiment_id" });
  });
});
