import { canonical } from "../compare/config-diff.js";

/** One run in the plot: its values by axis key (config paths and the metric). */
export interface PcRow {
  id: string;
  name: string;
  values: Record<string, unknown>;
}

export type PcAxis =
  | { key: string; kind: "number"; min: number; max: number }
  | { key: string; kind: "category"; categories: string[] };

/** A brush on an axis: the kept range in axis position (0 = bottom, 1 = top). */
export type Brushes = Record<string, [number, number]>;

function label(value: unknown): string {
  if (value === undefined) return "(missing)";
  return typeof value === "string" ? value : canonical(value);
}

/** Numeric axes where every present value is a finite number; categorical (sorted) otherwise. */
export function buildAxes(rows: readonly PcRow[], keys: readonly string[]): PcAxis[] {
  return keys.map((key): PcAxis => {
    const values = rows.map((r) => r.values[key]).filter((v) => v !== undefined && v !== null);
    if (values.length > 0 && values.every((v) => typeof v === "number" && Number.isFinite(v))) {
      const nums = values as number[];
      return { key, kind: "number", min: Math.min(...nums), max: Math.max(...nums) };
    }
    const categories = [...new Set(rows.map((r) => label(r.values[key])))].sort((a, b) =>
      a.localeCompare(b, "en", { numeric: true }),
    );
    return { key, kind: "category", categories };
  });
}

/** Where a value sits on its axis, 0 (bottom) to 1 (top); null when it cannot be placed. */
export function axisPosition(axis: PcAxis, value: unknown): number | null {
  if (axis.kind === "number") {
    if (typeof value !== "number" || !Number.isFinite(value)) return null;
    return axis.max === axis.min ? 0.5 : (value - axis.min) / (axis.max - axis.min);
  }
  const i = axis.categories.indexOf(label(value));
  if (i < 0) return null;
  return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
}

/** Whether each row passes every brush (a row without a value on a brushed axis does not). */
export function brushMask(rows: readonly PcRow[], axes: readonly PcAxis[], brushes: Brushes): boolean[] {
  const active = axes.filter((a) => brushes[a.key] !== undefined);
  return rows.map((row) =>
    active.every((axis) => {
      const [lo, hi] = brushes[axis.key] as [number, number];
      const p = axisPosition(axis, row.values[axis.key]);
      return p !== null && p >= Math.min(lo, hi) - 1e-9 && p <= Math.max(lo, hi) + 1e-9;
    }),
  );
}

/** Ticks for an axis: up to `count` evenly spaced numbers, or every category. */
export function axisTicks(axis: PcAxis, count = 5): { position: number; label: string }[] {
  if (axis.kind === "category")
    return axis.categories.map((c, i, all) => ({ position: all.length === 1 ? 0.5 : i / (all.length - 1), label: c }));
  if (axis.max === axis.min) return [{ position: 0.5, label: String(axis.min) }];
  return Array.from({ length: count }, (_, i) => {
    const position = i / (count - 1);
    const v = axis.min + (axis.max - axis.min) * position;
    return { position, label: String(Number(v.toPrecision(3))) };
  });
}

/** Line colour for a metric position 0..1: blue (low) → orange (high). */
export function rampColor(t: number): string {
  const c = Math.min(Math.max(t, 0), 1);
  const from = [47, 111, 237];
  const to = [232, 89, 12];
  const mix = from.map((f, i) => Math.round(f + ((to[i] as number) - f) * c));
  return `rgb(${mix.join(",")})`;
}
