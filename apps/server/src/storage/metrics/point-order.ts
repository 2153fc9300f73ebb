/**
 * The total order of points inside a series: by step, then wall time, then value, where
 * −0 sorts before +0 and NaN after every other value. Two points compare equal exactly when
 * they are duplicates (same step, time and value; NaN equals NaN, −0 differs from +0).
 */
export function compareValues(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) {
    if (a !== 0) return 0;
    const negA = Object.is(a, -0);
    const negB = Object.is(b, -0);
    return negA === negB ? 0 : negA ? -1 : 1;
  }
  const nanA = Number.isNaN(a);
  const nanB = Number.isNaN(b);
  if (nanA && nanB) return 0;
  return nanA ? 1 : -1;
}

export function comparePoints(
  stepA: number,
  timeA: number,
  valueA: number,
  stepB: number,
  timeB: number,
  valueB: number,
): number {
  if (stepA !== stepB) return stepA < stepB ? -1 : 1;
  if (timeA !== timeB) return timeA < timeB ? -1 : 1;
  return compareValues(valueA, valueB);
}

/** A point as the store keeps it. */
export interface PointKey {
  step: number;
  value: number;
  time: number;
}

export function compareKeys(a: PointKey, b: PointKey): number {
  return comparePoints(a.step, a.time, a.value, b.step, b.time, b.value);
}
