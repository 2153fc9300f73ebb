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
export type WindowPiece = { kind: "summary"; summary: Summary } | { kind: "points"; cols: PointColumns; from: number; to: number };

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

  addPoint(step: number, value: number, time: number): void {
    if (this.count === 0) {
      this.firstStep = step;
      this.firstValue = value;
      this.firstTime = time;
    }
    this.lastStep = step;
    this.lastValue = value;
    this.lastTime = time;
    this.count++;
    if (value !== value) this.nanCount++;
    else {
      if (!(value >= this.min)) this.min = value;
      if (!(value <= this.max)) this.max = value;
    }
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
    if (s.min === s.min && !(s.min >= this.min)) this.min = s.min;
    if (s.max === s.max && !(s.max <= this.max)) this.max = s.max;
  }

  build(): BucketRecord {
    return {
      startStep: this.firstStep,
      endStep: this.lastStep,
      count: this.count,
      nanCount: this.nanCount,
      min: this.min === this.min ? this.min : null,
      max: this.max === this.max ? this.max : null,
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
    const { steps, values, times } = piece.cols;
    for (let i = piece.from; i < piece.to; i++) {
      enter(Math.floor((before * buckets) / total));
      builder.addPoint(steps[i] as number, values[i] as number, times[i] as number);
      before++;
    }
  }
  if (builder.count > 0) out.push(builder.build());
  return out;
}
