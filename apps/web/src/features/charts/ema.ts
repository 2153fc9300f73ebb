/**
 * Exponential moving average, debiased like TensorBoard's smoothing: the running average starts
 * at 0 and is divided by (1 − weight^n), so early values are not dragged towards zero. Gaps
 * (null) and non-finite values pass through untouched and do not reset the average. A constant
 * series stays exactly constant.
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return values.slice();
  let first: number | null = null;
  let constant = true;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (first === null) first = v;
    else if (v !== first) {
      constant = false;
      break;
    }
  }
  if (constant) return values.slice();
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    n++;
    return last / (1 - w ** n);
  });
}
