import { describe, expect, it } from "vitest";
import { z } from "zod";
import { metric, metricList } from "./metric-list.js";

const body = z.object({ run_id: z.string().optional(), metrics: metricList.optional() });
const reference = z.object({ run_id: z.string().optional(), metrics: z.array(metric).optional() });

describe("metricList (runs/log-batch metrics)", () => {
  it("gives the schema's output for the plain numeric form, extra fields dropped", () => {
    const input = {
      run_id: "r",
      metrics: [
        { key: "loss", value: 0.5, timestamp: 1000, step: 3, extra: true },
        { key: "acc", value: -1, timestamp: 1001 },
      ],
    };
    const fast = body.parse(input).metrics;
    expect(fast).toEqual([
      { key: "loss", value: 0.5, timestamp: 1000, step: 3 },
      { key: "acc", value: -1, timestamp: 1001, step: undefined },
    ]);
    expect(fast).toEqual(reference.parse(input).metrics);
  });

  it("accepts what only the schema accepts: numeric strings, NaN and Infinity", () => {
    const input = {
      metrics: [
        { key: "a", value: "NaN", timestamp: "7", step: "2" },
        { key: "b", value: "Infinity", timestamp: 1 },
      ],
    };
    const out = body.parse(input).metrics;
    expect(out?.[0]?.value).toBeNaN();
    expect(out?.[0]).toMatchObject({ key: "a", timestamp: 7, step: 2 });
    expect(out?.[1]?.value).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    [
      {
        metrics: [
          { key: "a", value: 1, timestamp: 1 },
          { key: "b", value: "zz", timestamp: 2 },
        ],
      },
    ],
    [{ metrics: [{ key: "a", value: 1 }] }],
    [{ metrics: [{ key: "a", value: 1, timestamp: 1.5 }] }],
    [{ metrics: [{ key: 3, value: 1, timestamp: 1 }] }],
    [{ metrics: [null] }],
    [{ metrics: "nope" }],
  ])("refuses bad input with the schema's issues and paths: %j", (input) => {
    const fast = body.safeParse(input);
    const slow = reference.safeParse(input);
    expect(fast.success).toBe(false);
    expect(fast.error?.issues.map((i) => [i.path, i.code, i.message])).toEqual(
      slow.error?.issues.map((i) => [i.path, i.code, i.message]),
    );
    expect(fast.error?.issues[0]?.path[0]).toBe("metrics");
  });
});
