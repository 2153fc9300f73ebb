/// <reference path="./jstat.d.ts" />
/** The standard normal distribution (jstat underneath). */
import jStat from "jstat";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Φ(z): P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  if (z === Number.POSITIVE_INFINITY) return 1;
  if (z === Number.NEGATIVE_INFINITY) return 0;
  return jStat.normal.cdf(z, 0, 1);
}

/** Φ⁻¹(p) for p in (0, 1). */
export function normalQuantile(p: number): number {
  return jStat.normal.inv(p, 0, 1);
}

/** log φ(z): the log density of a standard normal. */
export function normalLogPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}
