import { MAX_BUCKETS } from "@looplab/core";
import { type XAxisMode, xAxisModes } from "./x-axis.js";

/**
 * Chart settings as they live in the URL (so a link reproduces the view):
 * `smooth` (EMA weight 0–0.99), `xaxis` (step | relative | wall), `logy` (1 = log y scale),
 * `panels` (comma-separated terms; a panel is shown when its key contains any of them).
 */
export interface ChartSettings {
  smoothing: number;
  xAxis: XAxisMode;
  logY: boolean;
  panels: string;
}

export const chartParams = { smoothing: "smooth", xAxis: "xaxis", logY: "logy", panels: "panels" } as const;

export function parseSmoothing(text: string | null): number {
  const n = text === null ? 0 : Number(text);
  if (!Number.isFinite(n) || n <= 0) return 0;
  return Math.min(Math.round(n * 100) / 100, 0.99);
}

export function parseXAxis(text: string | null): XAxisMode {
  return xAxisModes.includes(text as XAxisMode) ? (text as XAxisMode) : "step";
}

export function parseLogY(text: string | null): boolean {
  return text === "1" || text === "true";
}

/** Whether a metric key is shown under the panel filter (empty filter: all). */
export function matchesPanelFilter(key: string, filter: string): boolean {
  const terms = filter
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== "");
  if (terms.length === 0) return true;
  const k = key.toLowerCase();
  return terms.some((t) => k.includes(t));
}

/**
 * Buckets to ask the server for a panel `width` CSS px wide: at least one per pixel, rounded up
 * to a multiple of 32 so resizing by a few pixels does not refetch.
 */
export function bucketsForWidth(width: number): number {
  const w = Math.max(1, Math.ceil(width));
  return Math.min(MAX_BUCKETS, Math.max(32, Math.ceil(w / 32) * 32));
}
