import type { XAxisMode } from "./x-axis.js";

/** A metric value for legends and ticks: 4 significant digits, exponent for very large or small. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** Seconds as "1h 02m", "3m 05s" or "12.5s". */
export function formatSeconds(seconds: number): string {
  const sign = seconds < 0 ? "−" : "";
  const s = Math.abs(seconds);
  if (s < 60) return `${sign}${Number(s.toPrecision(3))}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  if (h > 0) return `${sign}${h}h ${String(m).padStart(2, "0")}m`;
  return `${sign}${m}m ${String(sec).padStart(2, "0")}s`;
}

/** An x value in the axis' units: a step, seconds since start, or epoch seconds. */
export function formatX(mode: XAxisMode, x: number): string {
  if (mode === "step") return `step ${Number.isInteger(x) ? x.toLocaleString("en-US") : formatValue(x)}`;
  if (mode === "relative") return formatSeconds(x);
  return new Date(x * 1000).toLocaleString();
}
