import type { BucketRecord } from "../../ports/store.js";
import type { PointColumns } from "./point-columns.js";
import type { Summary } from "./summary.js";

/**
 * Turns the pieces covering a window — node summaries and runs of decoded points, in point
 * order — into at most `buckets` buckets. A piece is never split: piece i goes to slot
 * ⌊(points before it) × buckets / total⌋ and each non-empty slot becomes one bucket, so
 * buckets follow piece boundaries, never overlap, leave no point out, and every bucket's
 * count, min, max, first and last are exact for the points it holds.
 */
export type WindowPiece =
  | { kind: "summary"; summary: Summary }
  /** Consecutive summaries packed as in summary.ts (12 float64 each), read in place. */
  | { kind: "packed"; packed: Float64Array }
  | { kind: "points"; cols: PointColumns; from: number; to: number };

class BucketBuilder {
  count = 0;
  nanCount = 0;
  min = Number.NaN;
  max = Number.NaN;
  firstStep = 0;
  firstValue = 0;
  firstTime = 0;
  lastStep = 0;
  lastValue = 0;
  lastTime = 0;

  /** Adds the points `[from, to)` of some columns. */
  addPoints(cols: PointColumns, from: number, to: number): void {
    if (to <= from) return;
    if (this.count === 0) {
      this.firstStep = cols.steps[from] as number;
      this.firstValue = cols.values[from] as number;
      this.firstTime = cols.times[from] as number;
    }
    this.lastStep = cols.steps[to - 1] as number;
    this.lastValue = cols.values[to - 1] as number;
    this.lastTime = cols.times[to - 1] as number;
    this.count += to - from;
    const values = cols.values;
    let min = this.min;
    let max = this.max;
    for (let i = from; i < to; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v)) this.nanCount++;
      else {
        if (!(v >= min)) min = v;
        if (!(v <= max)) max = v;
      }
    }
    this.min = min;
    this.max = max;
  }

  addSummary(s: Summary): void {
    if (this.count === 0) {
      this.firstStep = s.first.step;
      this.firstValue = s.first.value;
      this.firstTime = s.first.time;
    }
    this.lastStep = s.last.step;
    this.lastValue = s.last.value;
    this.lastTime = s.last.time;
    this.count += s.count;
    this.nanCount += s.nanCount;
    if (!Number.isNaN(s.min) && !(s.min >= this.min)) this.min = s.min;
    if (!Number.isNaN(s.max) && !(s.max <= this.max)) this.max = s.max;
  }

  /** Adds the summary packed at `f[base, base + 12)` (layout of summary.ts). */
  addPacked(f: Float64Array, base: number): void {
    if (this.count === 0) {
      this.firstStep = f[base + 6] as number;
      this.firstValue = f[base + 7] as number;
      this.firstTime = f[base + 8] as number;
    }
    this.lastStep = f[base + 9] as number;
    this.lastValue = f[base + 10] as number;
    this.lastTime = f[base + 11] as number;
    this.count += f[base] as number;
    this.nanCount += f[base + 1] as number;
    const min = f[base + 4] as number;
    const max = f[base + 5] as number;
    if (!Number.isNaN(min) && !(min >= this.min)) this.min = min;
    if (!Number.isNaN(max) && !(max <= this.max)) this.max = max;
  }

  build(): BucketRecord {
    return {
      startStep: this.firstStep,
      endStep: this.lastStep,
      count: this.count,
      nanCount: this.nanCount,
      min: !Number.isNaN(this.min) ? this.min : null,
      max: !Number.isNaN(this.max) ? this.max : null,
      first: { step: this.firstStep, value: this.firstValue, time: this.firstTime },
      last: { step: this.lastStep, value: this.lastValue, time: this.lastTime },
    };
  }
}

export function bucketize(pieces: WindowPiece[], total: number, buckets: number): BucketRecord[] {
  const out: BucketRecord[] = [];
  let builder = new BucketBuilder();
  let slot = -1;
  let before = 0;
  const enter = (s: number) => {
    if (s === slot) return;
    if (builder.count > 0) out.push(builder.build());
    builder = new BucketBuilder();
    slot = s;
  };
  for (const piece of pieces) {
    if (piece.kind === "summary") {
      enter(Math.floor((before * buckets) / total));
      builder.addSummary(piece.summary);
      before += piece.summary.count;
      continue;
    }
    if (piece.kind === "packed") {
      const f = piece.packed;
      for (let base = 0; base + 12 <= f.length; base += 12) {
        enter(Math.floor((before * buckets) / total));
        builder.addPacked(f, base);
        before += f[base] as number;
      }
      continue;
    }
    // Runs of points that fall in one slot: slot s + 1 starts at ⌈(s + 1) × total / buckets⌉.
    let i = piece.from;
    while (i < piece.to) {
      const s = Math.floor((before * buckets) / total);
      enter(s);
      const nextStart = Math.ceil(((s + 1) * total) / buckets);
      const take = Math.min(piece.to - i, Math.max(1, nextStart - before));
      builder.addPoints(piece.cols, i, i + take);
      i += take;
      before += take;
    }
  }
  if (builder.count > 0) out.push(builder.build());
  return out;
}
