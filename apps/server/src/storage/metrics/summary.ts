import type { PointColumns } from "./point-columns.js";
import { float64Bytes, toFloat64 } from "./float64-bytes.js";
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
    if (v !== v) {
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
  const nan = value !== value;
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
  if (a !== a) return b;
  if (b !== b) return a;
  return b < a ? b : a;
}

function maxOf(a: number, b: number): number {
  if (a !== a) return b;
  if (b !== b) return a;
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

export function decodeSummary(bytes: Uint8Array): Summary {
  const f = toFloat64(bytes);
  const at = (i: number) => f[i] as number;
  return {
    count: at(0),
    nanCount: at(1),
    finiteCount: at(2),
    finiteSum: at(3),
    min: at(4),
    max: at(5),
    first: { step: at(6), value: at(7), time: at(8) },
    last: { step: at(9), value: at(10), time: at(11) },
  };
}
