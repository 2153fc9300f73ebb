import { encodeFloat, metricKeySchema } from "@looplab/core";

const INITIAL_CAPACITY = 1024;

/** Why `PointBuffer.intern` refused a key. */
export type KeyRejection = { key: string; reason: string };

/**
 * The run logger's hot path: points are written into preallocated columnar typed arrays
 * (key index, step, value, time), keys interned to small ints, so `push` allocates nothing.
 * Serialisation to the wire format happens later, in `takeBatch`, off the caller's path.
 */
export class PointBuffer {
  /** Points currently buffered. */
  size = 0;
  /**
   * `push` may be called while `size < limit`; at the limit the owner must call `grow` or
   * relieve pressure first. The owner lowers it to enforce the memory cap.
   */
  limit: number;
  private capacity: number;
  private keyIdx: Uint32Array;
  private steps: Float64Array;
  private values: Float64Array;
  private times: Float64Array;
  private readonly ids = new Map<string, number>();
  /** Per key index, the key as JSON text. */
  private readonly keyTexts: string[] = [];

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.capacity = Math.max(16, initialCapacity);
    this.limit = this.capacity;
    this.keyIdx = new Uint32Array(this.capacity);
    this.steps = new Float64Array(this.capacity);
    this.values = new Float64Array(this.capacity);
    this.times = new Float64Array(this.capacity);
  }

  /** The key's index, or -1 when the key is not a valid metric key (cached, checked once). */
  keyId(key: string): number {
    const id = this.ids.get(key);
    return id === undefined ? this.intern(key) : id;
  }

  private intern(key: string): number {
    if (!metricKeySchema.safeParse(key).success) {
      this.ids.set(key, -1);
      return -1;
    }
    const id = this.keyTexts.length;
    this.keyTexts.push(JSON.stringify(key));
    this.ids.set(key, id);
    return id;
  }

  /** Appends one point; the caller has checked `size < limit`. */
  push(keyId: number, step: number, value: number, time: number): void {
    const i = this.size;
    this.keyIdx[i] = keyId;
    this.steps[i] = step;
    this.values[i] = value;
    this.times[i] = time;
    this.size = i + 1;
  }

  /** Grows the arrays so that at least `needed` points fit; `limit` becomes `maxLimit` or capacity. */
  grow(needed: number, maxLimit: number): void {
    if (needed > this.capacity) {
      let capacity = this.capacity * 2;
      while (capacity < needed) capacity *= 2;
      this.keyIdx = copyInto(new Uint32Array(capacity), this.keyIdx, this.size);
      this.steps = copyInto(new Float64Array(capacity), this.steps, this.size);
      this.values = copyInto(new Float64Array(capacity), this.values, this.size);
      this.times = copyInto(new Float64Array(capacity), this.times, this.size);
      this.capacity = capacity;
    }
    this.limit = Math.min(this.capacity, maxLimit);
  }

  /** Room before the arrays must grow. */
  get allocated(): number {
    return this.capacity;
  }

  /**
   * Removes up to `maxPoints` points from the front and returns them as the JSON text of a
   * columnar `logMetrics` body (`{"batchId":…,"series":[{"key","steps","values","times"}…]}`,
   * one entry per key in order of first appearance), stopping early once the text passes
   * `maxChars` (checked every 64 points). NaN and ±Infinity travel as strings (`encodeFloat`).
   */
  takeBatch(batchId: string, maxPoints: number, maxChars: number): { body: string; points: number } {
    const n = Math.min(this.size, maxPoints);
    const { keyIdx, steps, values, times, keyTexts } = this;
    const columns: (Column | undefined)[] = [];
    const order: Column[] = [];
    // Points of one `log` call share step and time: format each once (number formatting dominates).
    let step = Number.NaN;
    let stepText = "";
    let time = Number.NaN;
    let timeText = "";
    let chars = batchId.length + 32;
    let taken = 0;
    while (taken < n) {
      // The size check is cheap but not free: every 64 points is close enough.
      if ((taken & 63) === 0 && taken > 0 && chars >= maxChars) break;
      const s = steps[taken] as number;
      if (s !== step || Object.is(s, -0)) {
        step = s;
        stepText = String(s);
      }
      const t = times[taken] as number;
      if (t !== time) {
        time = t;
        timeText = String(t);
      }
      const value = values[taken] as number;
      const valueText = value - value === 0 ? String(value) : `"${encodeFloat(value)}"`;
      const k = keyIdx[taken] as number;
      let column = columns[k];
      if (column === undefined) {
        column = { key: keyTexts[k] as string, steps: stepText, values: valueText, times: timeText };
        columns[k] = column;
        order.push(column);
        chars += column.key.length + 48;
      } else {
        column.steps += `,${stepText}`;
        column.values += `,${valueText}`;
        column.times += `,${timeText}`;
      }
      chars += stepText.length + valueText.length + timeText.length + 3;
      taken++;
    }
    const series = order.map(
      (c) => `{"key":${c.key},"steps":[${c.steps}],"values":[${c.values}],"times":[${c.times}]}`,
    );
    this.shift(taken);
    return { body: `{"batchId":${JSON.stringify(batchId)},"series":[${series.join(",")}]}`, points: taken };
  }

  /** Shrinks the arrays back to their initial size after a burst. */
  compact(): void {
    if (this.size === 0 && this.capacity > INITIAL_CAPACITY * 8) {
      this.capacity = INITIAL_CAPACITY;
      this.keyIdx = new Uint32Array(this.capacity);
      this.steps = new Float64Array(this.capacity);
      this.values = new Float64Array(this.capacity);
      this.times = new Float64Array(this.capacity);
      this.limit = Math.min(this.limit, this.capacity);
    }
  }

  private shift(count: number): void {
    if (count === 0) return;
    const rest = this.size - count;
    if (rest > 0) {
      this.keyIdx.copyWithin(0, count, this.size);
      this.steps.copyWithin(0, count, this.size);
      this.values.copyWithin(0, count, this.size);
      this.times.copyWithin(0, count, this.size);
    }
    this.size = rest;
  }
}

/** One key's points of a batch being serialised: comma-separated JSON numbers per column. */
interface Column {
  key: string;
  steps: string;
  values: string;
  times: string;
}

function copyInto<T extends Uint32Array | Float64Array>(target: T, source: T, count: number): T {
  target.set(source.subarray(0, count) as never);
  return target;
}
