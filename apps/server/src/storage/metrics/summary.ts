import { float64Bytes, toFloat64 } from "./float64-bytes.js";
import type { PointColumns } from "./point-columns.js";
import { comparePoints, type PointKey } from "./point-order.js";

/**
 * The mergeable summary of a run of consecutive points (a chunk, a rollup, a bucket).
 * `min`/`max` are over values that are not NaN (±Infinity included) and are NaN when there
 * are none; `finiteSum` is over finite values. `first`/`last` are the smallest and largest
 * points in the store's order (step, time, value).
 */
export interface Summary {
  count: number;
  nanCount: number;
  finiteCount: number;
  finiteSum: number;
  min: number;
  max: number;
  first: PointKey;
  last: PointKey;
}

export const SUMMARY_BYTES = 96;

/** Summary of `cols[from, to)`, which must be sorted and non-empty. */
export function summarizeColumns(cols: PointColumns, from = 0, to = cols.length): Summary {
  const { steps, values, times } = cols;
  let nanCount = 0;
  let finiteCount = 0;
  let finiteSum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let seen = false;
  for (let i = from; i < to; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) {
      nanCount++;
      continue;
    }
    seen = true;
    if (v < min || (v === min && Object.is(v, -0))) min = v;
    if (v > max || (v === max && Object.is(max, -0))) max = v;
    if (v !== Number.POSITIVE_INFINITY && v !== Number.NEGATIVE_INFINITY) {
      finiteCount++;
      finiteSum += v;
    }
  }
  const last = to - 1;
  return {
    count: to - from,
    nanCount,
    finiteCount,
    finiteSum,
    min: seen ? min : Number.NaN,
    max: seen ? max : Number.NaN,
    first: { step: steps[from] as number, value: values[from] as number, time: times[from] as number },
    last: { step: steps[last] as number, value: values[last] as number, time: times[last] as number },
  };
}

export function pointSummary(step: number, value: number, time: number): Summary {
  const nan = Number.isNaN(value);
  const finite = Number.isFinite(value);
  const point = { step, value, time };
  return {
    count: 1,
    nanCount: nan ? 1 : 0,
    finiteCount: finite ? 1 : 0,
    finiteSum: finite ? value : 0,
    min: value,
    max: value,
    first: point,
    last: point,
  };
}

function minOf(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return b < a ? b : a;
}

function maxOf(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return b > a ? b : a;
}

/** Merges summaries of two point sets; the result's first/last are taken by point order. */
export function mergeSummaries(a: Summary, b: Summary): Summary {
  return {
    count: a.count + b.count,
    nanCount: a.nanCount + b.nanCount,
    finiteCount: a.finiteCount + b.finiteCount,
    finiteSum: a.finiteSum + b.finiteSum,
    min: minOf(a.min, b.min),
    max: maxOf(a.max, b.max),
    first: comparePointKeys(b.first, a.first) < 0 ? b.first : a.first,
    last: comparePointKeys(b.last, a.last) > 0 ? b.last : a.last,
  };
}

/** Merges summaries of consecutive point sets given in order. */
export function mergeAll(parts: Summary[]): Summary {
  const [head, ...rest] = parts;
  if (!head) throw new Error("mergeAll needs at least one summary");
  let acc = head;
  for (const s of rest) acc = mergeSummaries(acc, s);
  return acc;
}

function comparePointKeys(a: PointKey, b: PointKey): number {
  return comparePoints(a.step, a.time, a.value, b.step, b.time, b.value);
}

export function encodeSummary(s: Summary): Buffer {
  const f = new Float64Array([
    s.count,
    s.nanCount,
    s.finiteCount,
    s.finiteSum,
    s.min,
    s.max,
    s.first.step,
    s.first.value,
    s.first.time,
    s.last.step,
    s.last.value,
    s.last.time,
  ]);
  return float64Bytes(f);
}

/** The summary packed at `f[base, base + 12)`. */
function summaryAt(f: Float64Array, base: number): Summary {
  return {
    count: f[base] as number,
    nanCount: f[base + 1] as number,
    finiteCount: f[base + 2] as number,
    finiteSum: f[base + 3] as number,
    min: f[base + 4] as number,
    max: f[base + 5] as number,
    first: { step: f[base + 6] as number, value: f[base + 7] as number, time: f[base + 8] as number },
    last: { step: f[base + 9] as number, value: f[base + 10] as number, time: f[base + 11] as number },
  };
}

export function decodeSummary(bytes: Uint8Array): Summary {
  return summaryAt(toFloat64(bytes), 0);
}

/** Points per segment summary kept with each chunk part (finer units than a chunk for reads). */
export const SEGMENT_POINTS = 128;

/** Summaries of consecutive runs of SEGMENT_POINTS points of sorted, non-empty columns. */
export function encodeSegments(cols: PointColumns): Buffer {
  const count = Math.ceil(cols.length / SEGMENT_POINTS);
  const out = Buffer.alloc(count * SUMMARY_BYTES);
  for (let i = 0; i < count; i++) {
    const from = i * SEGMENT_POINTS;
    const s = summarizeColumns(cols, from, Math.min(cols.length, from + SEGMENT_POINTS));
    encodeSummary(s).copy(out, i * SUMMARY_BYTES);
  }
  return out;
}

export function decodeSegments(bytes: Uint8Array, into: Summary[]): void {
  const f = toFloat64(bytes);
  for (let base = 0; base + 12 <= f.length; base += 12) into.push(summaryAt(f, base));
}
