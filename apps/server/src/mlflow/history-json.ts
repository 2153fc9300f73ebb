import { invalidArgument } from "@looplab/core";
import type { StoredPoint } from "../ports/store.js";
import { decodePageToken, encodePageToken } from "../services/page-token.js";
import { MAX_DOUBLE } from "./mlflow-json.js";

/**
 * The JSON text of a get-history answer, built directly: a page holds up to 25,000 points, and
 * making an object per point for JSON.stringify cost more than reading them. The text is exactly
 * what `JSON.stringify(compact({metrics: [{key, value: encodeDouble(v), timestamp, step, run_id}],
 * next_page_token}))` gives (history-json.test.ts compares the two): finite numbers print as
 * JSON prints them (`String(n)` is the same algorithm), NaN as `"NaN"`, ±Infinity as ±max double.
 */
const MAX_TEXT = JSON.stringify(MAX_DOUBLE);
const MIN_TEXT = JSON.stringify(-MAX_DOUBLE);

function doubleText(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return '"NaN"';
  return value > 0 ? MAX_TEXT : MIN_TEXT;
}

/** A finite JSON number (step, timestamp); a non-finite one cannot occur in a stored point. */
const numberText = (value: number): string => (Number.isFinite(value) ? String(value) : "null");

export function historyJson(
  key: string,
  runId: string,
  points: readonly StoredPoint[],
  nextPageToken: string | undefined,
): string {
  const fields: string[] = [];
  if (points.length > 0) {
    const head = `{"key":${JSON.stringify(key)},"value":`;
    const tail = `,"run_id":${JSON.stringify(runId)}}`;
    const items = new Array<string>(points.length);
    for (let i = 0; i < points.length; i++) {
      const p = points[i] as StoredPoint;
      items[i] = `${head}${doubleText(p.value)},"timestamp":${numberText(p.time)},"step":${numberText(p.step)}${tail}`;
    }
    fields.push(`"metrics":[${items.join(",")}]`);
  }
  if (nextPageToken !== undefined) fields.push(`"next_page_token":${JSON.stringify(nextPageToken)}`);
  return `{${fields.join(",")}}`;
}

/** The cursor of the next history page, in the native points API's token format. */
export function encodeHistoryCursor(next: { step: number; time: number; seq: number }): string {
  return encodePageToken({ s: next.step, t: next.time, q: next.seq });
}

export function decodeHistoryCursor(
  token: string | undefined,
): { step: number; time: number; seq: number } | undefined {
  if (token === undefined) return undefined;
  const { s, t, q } = decodePageToken(token);
  if (typeof s !== "number" || typeof t !== "number" || typeof q !== "number") {
    throw invalidArgument("pageToken is not a valid page token", { field: "pageToken" });
  }
  return { step: s, time: t, seq: q };
}
