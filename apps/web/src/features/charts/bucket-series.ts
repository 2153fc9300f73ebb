import { type Bucket, decodeFloat, type SeriesWindow } from "@looplab/core";

/** A point whose value is NaN or ±Infinity: drawn as a gap in the line plus a marker. */
export interface NonFiniteMark {
  step: number;
  time: number;
  kind: "nan" | "+inf" | "-inf";
  /** How many such points the bucket holds (1 for ±Infinity when only the bucket's extreme is known). */
  count: number;
}

/**
 * One run's series ready to draw, still in step order: a line through each bucket's first and
 * last point (so it passes through real values only) and the bucket's min–max as a band, so a
 * spike inside a bucket is never hidden. `null` is a gap (a NaN or ±Infinity point).
 */
export interface PreparedSeries {
  runId: string;
  key: string;
  steps: number[];
  times: number[];
  line: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  marks: NonFiniteMark[];
  /** True when the server aggregated points into buckets (the panel shows a "sampled" marker). */
  sampled: boolean;
  totalPoints: number;
  bucketCount: number;
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

function nonFiniteKind(value: number): NonFiniteMark["kind"] | null {
  if (Number.isNaN(value)) return "nan";
  if (value === Number.POSITIVE_INFINITY) return "+inf";
  if (value === Number.NEGATIVE_INFINITY) return "-inf";
  return null;
}

/** The band edges of a bucket: its exact min and max, or the finite values known when an edge is ±Infinity. */
function bandEdges(bucket: Bucket, first: number, last: number): { lo: number | null; hi: number | null } {
  const min = bucket.min === null ? Number.NaN : decodeFloat(bucket.min);
  const max = bucket.max === null ? Number.NaN : decodeFloat(bucket.max);
  const known = [first, last, min, max].filter(Number.isFinite);
  if (known.length === 0) return { lo: null, hi: null };
  return {
    lo: Number.isFinite(min) ? min : Math.min(...known),
    hi: Number.isFinite(max) ? max : Math.max(...known),
  };
}

/** Turns a server window (buckets with min/max/first/last/count) into line and band arrays. */
export function prepareSeries(window: SeriesWindow): PreparedSeries {
  const out: PreparedSeries = {
    runId: window.runId,
    key: window.key,
    steps: [],
    times: [],
    line: [],
    lo: [],
    hi: [],
    marks: [],
    sampled: window.sampled,
    totalPoints: window.totalPoints,
    bucketCount: window.buckets.length,
  };
  for (const bucket of window.buckets) {
    const first = decodeFloat(bucket.first.value);
    const last = decodeFloat(bucket.last.value);
    const { lo, hi } = bandEdges(bucket, first, last);
    const single = bucket.count <= 1 || bucket.first.step === bucket.last.step;
    if (!single) {
      out.steps.push(bucket.first.step);
      out.times.push(bucket.first.time);
      out.line.push(finiteOrNull(first));
      out.lo.push(lo);
      out.hi.push(hi);
    }
    out.steps.push(bucket.last.step);
    out.times.push(bucket.last.time);
    out.line.push(finiteOrNull(last));
    out.lo.push(lo);
    out.hi.push(hi);
    addMarks(out.marks, bucket, first, last);
  }
  return out;
}

function addMarks(marks: NonFiniteMark[], bucket: Bucket, first: number, last: number): void {
  const at = { step: bucket.first.step, time: bucket.first.time };
  if (bucket.nanCount > 0) marks.push({ ...at, kind: "nan", count: bucket.nanCount });
  const max = bucket.max === null ? null : decodeFloat(bucket.max);
  const min = bucket.min === null ? null : decodeFloat(bucket.min);
  if (max === Number.POSITIVE_INFINITY || (max === null && nonFiniteKind(last) === "+inf")) {
    marks.push({ ...at, kind: "+inf", count: 1 });
  }
  if (min === Number.NEGATIVE_INFINITY || (min === null && nonFiniteKind(first) === "-inf")) {
    marks.push({ ...at, kind: "-inf", count: 1 });
  }
}

/** What the panel's marker says: exact points, or how many points sit in how many buckets. */
export interface SamplingSummary {
  sampled: boolean;
  totalPoints: number;
  buckets: number;
}

export function samplingSummary(series: PreparedSeries[]): SamplingSummary {
  let totalPoints = 0;
  let buckets = 0;
  let sampled = false;
  for (const s of series) {
    totalPoints += s.totalPoints;
    buckets += s.bucketCount;
    sampled ||= s.sampled;
  }
  return { sampled, totalPoints, buckets };
}

export function samplingLabel(summary: SamplingSummary): string {
  const pts = summary.totalPoints.toLocaleString("en-US");
  if (!summary.sampled) return `exact · ${pts} pts`;
  return `sampled · ${pts} pts in ${summary.buckets.toLocaleString("en-US")} buckets`;
}

export function countMarks(series: PreparedSeries[]): { nan: number; inf: number } {
  let nan = 0;
  let inf = 0;
  for (const s of series) {
    for (const m of s.marks) {
      if (m.kind === "nan") nan += m.count;
      else inf += m.count;
    }
  }
  return { nan, inf };
}
