/** Distinct line colours (readable on light and dark backgrounds), assigned by run or group index. */
const colors = [
  "#2f6fed",
  "#e8590c",
  "#2b8a3e",
  "#c2255c",
  "#7048e8",
  "#0c8599",
  "#e67700",
  "#5c940d",
  "#d6336c",
  "#1864ab",
  "#862e9c",
  "#c92a2a",
  "#087f5b",
  "#a61e4d",
  "#495057",
  "#364fc7",
];

export function colorAt(index: number): string {
  return colors[((index % colors.length) + colors.length) % colors.length] as string;
}

/** `#rrggbb` with an alpha channel, for bands and faint raw lines. */
export function withAlpha(hex: string, alpha: number): string {
  const a = Math.round(Math.min(Math.max(alpha, 0), 1) * 255)
    .toString(16)
    .padStart(2, "0");
  return `${hex}${a}`;
}
