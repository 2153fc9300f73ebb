/**
 * Mann–Whitney U test (Wilcoxon rank-sum) with the normal approximation, average ranks for ties,
 * the tie-corrected variance and a continuity correction — the figures of
 * `scipy.stats.mannwhitneyu(x, y, alternative=…, method="asymptotic")`.
 */
import { normalCdf } from "./normal.js";

/** less: x tends to be smaller than y; greater: larger; two-sided: either. */
export type MannWhitneyAlternative = "less" | "greater" | "two-sided";

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x_i, y_j) with x_i > y_j, ties counted ½. */
  u: number;
  /** n1·n2 − u. */
  uOther: number;
  z: number;
  pValue: number;
}

export interface MannWhitneyOptions {
  alternative?: MannWhitneyAlternative;
  /** Shift U by ½ towards the mean before the normal approximation. Default true. */
  continuity?: boolean;
}

/** Average ranks (1-based) of the values, and Σ(t³ − t) over the groups of tied values. */
export function rankWithTies(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1] as number] === values[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const { alternative = "two-sided", continuity = true } = options;
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("Mann–Whitney U needs two non-empty samples");
  if ([...x, ...y].some((v) => Number.isNaN(v))) throw new RangeError("Mann–Whitney U: samples contain NaN");
  const { ranks, tieTerm } = rankWithTies([...x, ...y]);
  const r1 = ranks.slice(0, n1).reduce((s, r) => s + r, 0);
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const sd = Math.sqrt(variance);
  const c = continuity ? 0.5 : 0;
  let z: number;
  let pValue: number;
  if (sd === 0) {
    // Every value tied: no evidence either way.
    z = 0;
    pValue = 1;
  } else if (alternative === "less") {
    z = (u - mean + c) / sd;
    pValue = normalCdf(z);
  } else if (alternative === "greater") {
    z = (u - mean - c) / sd;
    pValue = 1 - normalCdf(z);
  } else {
    const d = Math.abs(u - mean);
    z = Math.max(0, d - c) / sd;
    pValue = Math.min(1, 2 * (1 - normalCdf(z)));
  }
  return { u, uOther: n1 * n2 - u, z, pValue };
}
