import { isLooplabError } from "@looplab/core";
import { describe, expect, it } from "vitest";
import type { StoredPoint } from "../ports/store.js";
import { decodeHistoryCursor, encodeHistoryCursor, historyJson } from "./history-json.js";
import { compact, encodeDouble } from "./mlflow-json.js";

/** What the route answered before it built the text itself: objects through JSON.stringify. */
function viaObjects(key: string, runId: string, points: StoredPoint[], next: string | undefined): string {
  return JSON.stringify(
    compact({
      metrics: points.map((p) => ({
        key,
        value: encodeDouble(p.value),
        timestamp: p.time,
        step: p.step,
        run_id: runId,
      })),
      next_page_token: next,
    }),
  );
}

const RUN = "0123456789abcdef0123456789abcdef";

describe("get-history JSON text", () => {
  it("is byte for byte what JSON.stringify gives, NaN and ±Infinity encoded as MLflow does", () => {
    const values = [
      0,
      -0,
      1,
      -1.5,
      0.1 + 0.2,
      1e21,
      1e-7,
      -2.5e-300,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Math.PI,
    ];
    const points = values.map((value, i) => ({ step: i * 3 - 2, value, time: 1_700_000_000_000 + i }));
    for (const key of ["loss", 'we"ird\\key', "ünïcode/κλειδί", "tab\there"]) {
      expect(historyJson(key, RUN, points, undefined)).toBe(viaObjects(key, RUN, points, undefined));
      expect(historyJson(key, RUN, points, "abc_-=")).toBe(viaObjects(key, RUN, points, "abc_-="));
    }
    const text = historyJson("m", RUN, points, undefined);
    const parsed = JSON.parse(text) as { metrics: { value: unknown }[] };
    expect(parsed.metrics[10]?.value).toBe("NaN");
    expect(parsed.metrics[11]?.value).toBe(1.7976931348623157e308);
    expect(parsed.metrics[12]?.value).toBe(-1.7976931348623157e308);
  });

  it("answers {} for no points and keeps a lone token", () => {
    expect(historyJson("m", RUN, [], undefined)).toBe("{}");
    expect(historyJson("m", RUN, [], "t")).toBe(viaObjects("m", RUN, [], "t"));
  });

  it("round-trips the page cursor and refuses a malformed one as a bad argument", () => {
    const cursor = { step: 41, time: 1_700_000_000_123, seq: 2 };
    expect(decodeHistoryCursor(encodeHistoryCursor(cursor))).toEqual(cursor);
    expect(decodeHistoryCursor(undefined)).toBeUndefined();
    for (const bad of ["garbage!", Buffer.from('{"s":"x"}').toString("base64url")]) {
      let error: unknown;
      try {
        decodeHistoryCursor(bad);
      } catch (e) {
        error = e;
      }
      expect(isLooplabError(error) && error.code).toBe("INVALID_ARGUMENT");
    }
  });
});
