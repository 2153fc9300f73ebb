/**
 * JSON cannot carry NaN or ±Infinity. On the wire they travel as the strings
 * "NaN", "Infinity" and "-Infinity" (DESIGN.md §4); every other value is a plain number.
 */
export type WireFloat = number | "NaN" | "Infinity" | "-Infinity";

export function encodeFloat(value: number): WireFloat {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}

export function decodeFloat(value: WireFloat): number {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  return value === "Infinity" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

export function encodeNullableFloat(value: number | null | undefined): WireFloat | null {
  return value === null || value === undefined ? null : encodeFloat(value);
}
