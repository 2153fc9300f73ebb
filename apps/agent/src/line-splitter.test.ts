import { MAX_LOG_LINE_CHARS } from "@looplab/core";
import { describe, expect, it } from "vitest";
import { createLineSplitter, truncateLine } from "./line-splitter.js";
import { parseMetricLine } from "./metric-line.js";

function split(chunks: (string | Buffer)[], max?: number): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), max);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe("line splitting", () => {
  it("splits across chunks, drops \\n and \\r\\n, and flushes a partial last line at the end", () => {
    expect(split(["a\nb", "c\r\n", "\n", "last"])).toEqual(["a", "bc", "", "last"]);
    expect(split(["done\n"])).toEqual(["done"]);
    expect(split([])).toEqual([]);
  });

  it("decodes UTF-8 split between chunks", () => {
    const bytes = Buffer.from("naïve → ok\n");
    const cut = bytes.indexOf(0xe2) + 1; // inside the arrow
    expect(split([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(["naïve → ok"]);
  });

  it("cuts lines longer than the limit with a trailing …, also a line that never ends", () => {
    const long = "x".repeat(MAX_LOG_LINE_CHARS + 50);
    const [cut] = split([`${long}\nnext\n`]);
    expect(cut).toHaveLength(MAX_LOG_LINE_CHARS);
    expect(cut?.endsWith("…")).toBe(true);
    expect(split(["abcdefgh", "ijkl", "mn\nok\n"], 5)).toEqual(["abcd…", "ok"]);
    expect(truncateLine("short", 10)).toBe("short");
  });
});

describe("JSON-line metrics", () => {
  it("reads {looplab: {step, …}} lines: numeric fields are values", () => {
    expect(parseMetricLine('{"looplab": {"step": 3, "val/acc": 0.9, "loss": 1e-3, "note": "x"}}')).toEqual({
      step: 3,
      values: { "val/acc": 0.9, loss: 0.001 },
    });
    expect(parseMetricLine('  {"looplab":{"step":0,"a":1}}  ')).toEqual({ step: 0, values: { a: 1 } });
  });

  it("anything else is an ordinary log line", () => {
    for (const text of [
      "epoch 3 done",
      '{"looplab": {"val/acc": 0.9}}', // no step
      '{"looplab": {"step": -1, "a": 1}}',
      '{"looplab": {"step": 1.5, "a": 1}}',
      '{"looplab": {"step": "3", "a": 1}}',
      '{"looplab": {"step": 3}}', // no values
      '{"looplab": {"step": 3, "a": 1}, "other": 1}',
      '{"looplab": [1, 2]}',
      '{"looplab": {"step": 3, "a": 1}', // broken JSON
    ]) {
      expect(parseMetricLine(text), text).toBeNull();
    }
  });
});
