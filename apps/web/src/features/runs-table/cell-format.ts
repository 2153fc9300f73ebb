/** Text formatting of table cells (pure). */

export function formatNumber(value: unknown): string {
  if (typeof value === "string") return value; // wire floats: "NaN", "Infinity", "-Infinity"
  if (typeof value !== "number") return "";
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3).replace(/\.?0+e/, "e");
  return String(Number(value.toPrecision(4)));
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

const pad = (n: number) => String(n).padStart(2, "0");

export function formatTime(ms: unknown): string {
  if (typeof ms !== "number") return "";
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  return JSON.stringify(value);
}

/** Mean ± std short enough for a table cell: 3 significant digits for the mean, 2 for the spread. */
export function formatMeanStd(mean: number | null, std: number | null): string {
  if (mean === null) return "";
  const short = (value: number, digits: number) => formatNumber(Number(value.toPrecision(digits)));
  return std === null || std === 0 ? short(mean, 3) : `${short(mean, 3)} ± ${short(std, 2)}`;
}
