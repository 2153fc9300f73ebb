import { invalidArgument } from "./errors.js";

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "250ms", "30s", "5m", "2h", "7d" or a plain number of milliseconds. */
export function parseDuration(text: string | number, field = "duration"): number {
  if (typeof text === "number") {
    if (Number.isFinite(text) && text >= 0) return text;
    throw invalidArgument(`${field} must be a non-negative duration`, { field });
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw invalidArgument(`${field}: '${text}' is not a duration (e.g. 30s, 5m, 2h)`, { field });
  return Math.round(Number(match[1]) * (unitMs[match[2] ?? "ms"] ?? 1));
}
