import { z } from "zod";
import { invalidParameter } from "./mlflow-errors.js";

/**
 * Wire encoding of the MLflow-compatible API (MLFLOW-API.md §5.2, §5.3, §5.6):
 * - int64 fields travel as JSON numbers in responses and are accepted as numbers or decimal
 *   strings in requests (`"timestamp": "7"`);
 * - doubles accept `"NaN"`, `"Infinity"`, `"-Infinity"`; NaN is answered as the string `"NaN"`,
 *   ±Infinity as ±1.7976931348623157e308 (MLflow clamps);
 * - timestamps are epoch milliseconds (Looplab's clock is already ms);
 * - page tokens are `base64(json({"offset": N}))`, as MLflow's own;
 * - fields left unset (undefined/null) and empty lists are omitted from responses.
 */

/** int64 in a request: a safe integer as a number or a decimal string. */
export const int64 = z.union([z.number(), z.string().regex(/^-?\d+$/, "must be an integer")]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: "custom", message: "must be an integer" });
    return z.NEVER;
  }
  return n;
});

/** A proto double in a request: a number or one of "NaN", "Infinity", "-Infinity" (or a numeric string). */
export const double = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === "number") return v;
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity" || v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity" || v === "-inf") return Number.NEGATIVE_INFINITY;
  const n = Number(v);
  if (v.trim() === "" || Number.isNaN(n)) {
    ctx.addIssue({ code: "custom", message: `Invalid value ${JSON.stringify(v)}: not a double` });
    return z.NEVER;
  }
  return n;
});

/** A query-string boolean: only `true` / `false`. */
export const queryBoolean = z
  .union([z.boolean(), z.enum(["true", "false"])])
  .transform((v) => v === true || v === "true");

/** A repeated field: a JSON array, or a query key given once or several times (`?ids=a&ids=b`). */
export function repeated<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(item));
}

export const MAX_DOUBLE = 1.7976931348623157e308;

/** A stored float64 → MLflow's JSON: "NaN" for NaN, ±Infinity clamped to ±max double. */
export function encodeDouble(value: number): number | "NaN" {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return MAX_DOUBLE;
  if (value === Number.NEGATIVE_INFINITY) return -MAX_DOUBLE;
  return value;
}

/** Drops undefined/null fields and empty arrays, as MLflow omits unset and empty repeated fields. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = value[key];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    out[key] = v;
  }
  return out as Partial<T>;
}

/** `base64(json({"offset": N}))`, byte-compatible with MLflow's tokens. */
export function encodeOffsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), "utf8").toString("base64");
}

/** Decodes a page token; absent → offset 0; garbage → 400 INVALID_PARAMETER_VALUE. */
export function decodeOffsetToken(token: string | undefined): number {
  if (token === undefined || token === "") return 0;
  let parsed: unknown;
  try {
    const text = Buffer.from(token, "base64").toString("utf8");
    parsed = JSON.parse(text);
  } catch {
    throw invalidParameter("Invalid page token, could not base64-decode");
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParameter("Invalid page token, offset must be a non-negative integer");
  }
  return offset;
}

/** A page of `items` at `offset` with MLflow's `next_page_token` (omitted on the last page). */
export function pageOf<T>(items: T[], offset: number, limit: number): { page: T[]; nextPageToken?: string } {
  const page = items.slice(offset, offset + limit);
  const more = items.length > offset + limit;
  return more ? { page, nextPageToken: encodeOffsetToken(offset + limit) } : { page };
}
