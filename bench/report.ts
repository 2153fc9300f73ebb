/** Prints one benchmark figure with the ratio or target it is judged by. */
export interface Figure {
  name: string;
  value: string;
  judgedBy: string;
  pass: boolean;
}

export const figures: Figure[] = [];

export function record(figure: Figure): void {
  figures.push(figure);
  process.stdout.write(`${figure.pass ? "PASS" : "MISS"}  ${figure.name}: ${figure.value}  (${figure.judgedBy})\n`);
}

export function note(text: string): void {
  process.stderr.write(`  · ${text}\n`);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });
