import type { BucketRecord, PointRecord, StoredPoint, WindowResult } from "../../ports/store.js";
import { comparePoints } from "./point-order.js";

/**
 * A brute-force model of one series for the metric store's tests: every point in a sorted
 * array. `checkWindow` compares a downsampled read against it and returns what is wrong.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A messy series: repeated steps, fractional steps, NaN, ±Infinity, −0 and duplicates. */
export function messySeries(seed: number, key: string, n: number): PointRecord[] {
  const random = seededRandom(seed);
  const out: PointRecord[] = [];
  let step = 0;
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < 0.85) step += 1;
    else if (r < 0.9) step += 0.25;
    // else: the same step again (a resumed run or a re-log)
    const v = random();
    const value =
      v < 0.04
        ? Number.NaN
        : v < 0.05
          ? Number.POSITIVE_INFINITY
          : v < 0.06
            ? Number.NEGATIVE_INFINITY
            : v < 0.07
              ? -0
              : Math.round((random() - 0.3) * 1e6) / 1e3;
    const time = 1_700_000_000_000 + Math.floor(step * 10) + (random() < 0.1 ? 1 : 0);
    const p = { key, step, value, time };
    out.push(p);
    if (random() < 0.03) out.push({ ...p });
  }
  return out;
}

const order = (a: StoredPoint, b: StoredPoint) => comparePoints(a.step, a.time, a.value, b.step, b.time, b.value);

/** The distinct points of `points` for `key`, in store order. */
export function referenceSeries(points: PointRecord[], key: string): StoredPoint[] {
  const sorted = points
    .filter((p) => p.key === key)
    .map((p) => ({ step: p.step, value: p.value, time: p.time }))
    .sort(order);
  return sorted.filter((p, i) => i === 0 || order(sorted[i - 1] as StoredPoint, p) !== 0);
}

export function inWindow(ref: StoredPoint[], start?: number, end?: number): StoredPoint[] {
  return ref.filter((p) => (start === undefined || p.step >= start) && (end === undefined || p.step <= end));
}

export function samePoint(a: StoredPoint, b: StoredPoint): boolean {
  return order(a, b) === 0;
}

function expectedBucket(points: StoredPoint[]): Omit<BucketRecord, "startStep" | "endStep"> {
  let min: number | null = null;
  let max: number | null = null;
  let nanCount = 0;
  for (const p of points) {
    if (Number.isNaN(p.value)) {
      nanCount++;
      continue;
    }
    if (min === null || p.value < min) min = p.value;
    if (max === null || p.value > max) max = p.value;
  }
  return {
    count: points.length,
    nanCount,
    min,
    max,
    first: points[0] as StoredPoint,
    last: points[points.length - 1] as StoredPoint,
  };
}

/** Problems with `result` as a read of `window` (the reference points of the window). */
export function checkWindow(result: WindowResult, window: StoredPoint[], buckets: number): string[] {
  const problems: string[] = [];
  if (result.totalPoints !== window.length) problems.push(`total ${result.totalPoints} != ${window.length}`);
  if (result.buckets.length > Math.max(1, buckets)) problems.push(`${result.buckets.length} buckets > ${buckets}`);
  if (window.length <= buckets) {
    if (result.sampled) problems.push("sampled although every point fits");
    if (result.buckets.length !== window.length) problems.push("not one bucket per point");
  }
  let at = 0;
  for (const [i, b] of result.buckets.entries()) {
    if (b.count < 1) problems.push(`bucket ${i} is empty`);
    const covered = window.slice(at, at + b.count);
    at += b.count;
    if (covered.length !== b.count) {
      problems.push(`bucket ${i} runs past the window`);
      break;
    }
    const e = expectedBucket(covered);
    if (b.nanCount !== e.nanCount) problems.push(`bucket ${i}: nanCount ${b.nanCount} != ${e.nanCount}`);
    if (b.min !== e.min || b.max !== e.max)
      problems.push(`bucket ${i}: min/max ${b.min}/${b.max} != ${e.min}/${e.max}`);
    if (!samePoint(b.first, e.first) || !samePoint(b.last, e.last)) problems.push(`bucket ${i}: first/last differ`);
    if (b.startStep !== e.first.step || b.endStep !== e.last.step) problems.push(`bucket ${i}: step range differs`);
  }
  if (at !== window.length) problems.push(`buckets cover ${at} of ${window.length} points`);
  return problems;
}
