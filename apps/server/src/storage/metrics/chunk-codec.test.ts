import { describe, expect, it } from "vitest";
import { decodeParts, encodeColumns, partLength } from "./chunk-codec.js";
import { seededRandom } from "./metric-reference.js";
import { allocColumns, type PointColumns } from "./point-columns.js";

function columns(steps: number[], values: number[], times: number[]): PointColumns {
  const c = allocColumns(steps.length);
  c.steps.set(steps);
  c.values.set(values);
  c.times.set(times);
  return c;
}

function bits(a: Float64Array): string[] {
  return Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length), (b) => b.toString(16));
}

function roundTrip(c: PointColumns): PointColumns {
  const out = decodeParts([encodeColumns(c)]);
  expect(bits(out.steps)).toEqual(bits(c.steps));
  expect(bits(out.values)).toEqual(bits(c.values));
  expect(bits(out.times)).toEqual(bits(c.times));
  return out;
}

describe("chunk codec", () => {
  it("keeps NaN, ±Infinity and −0 bit for bit", () => {
    const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 5e-324, -Number.MAX_VALUE];
    roundTrip(columns([1, 2, 3, 4, 5, 6, 7], specials, [0, -0, 3, 1e15, -7, 2 ** 53, 9]));
    roundTrip(columns([-0, 0, 1, 2], [-0, -0, -0, -0], [1, 2, 3, 4]));
    roundTrip(columns([], [], []));
    roundTrip(columns([7.5], [Number.NaN], [1]));
  });

  it("stores regular steps and constant values in 16 bytes and times as small deltas", () => {
    const n = 1000;
    const c = allocColumns(n);
    const random = seededRandom(1);
    let t = 1_700_000_000_000;
    for (let i = 0; i < n; i++) {
      c.steps[i] = 10 + 5 * i;
      c.values[i] = 0.001;
      t += Math.floor(random() * 300);
      c.times[i] = t;
    }
    const bytes = encodeColumns(c);
    expect(bytes.byteLength).toBeLessThan(8 + 16 + 16 + 12 + 2 * n);
    expect(partLength(bytes)).toBe(n);
    roundTrip(c);
  });

  it("round-trips random columns whatever encoding each one takes", () => {
    const random = seededRandom(2);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(random() * 50);
      const pick = () => {
        const kind = Math.floor(random() * 5);
        const base = Math.floor((random() - 0.5) * 2 ** 40);
        return Array.from({ length: n }, (_, i) => {
          if (kind === 0) return base + i * 3;
          if (kind === 1) return base + Math.floor((random() - 0.5) * 2 ** (random() * 60));
          if (kind === 2) return (random() - 0.5) * 1e6;
          if (kind === 3) return 0.1 * i;
          return [Number.NaN, -0, Number.POSITIVE_INFINITY, 1][i % 4] as number;
        });
      };
      roundTrip(columns(pick(), pick(), pick()));
    }
  });

  it("concatenates parts in order", () => {
    const a = columns([1, 2], [3, 4], [5, 6]);
    const b = columns([3], [Number.NaN], [7]);
    const out = decodeParts([encodeColumns(a), encodeColumns(b)]);
    expect(Array.from(out.steps)).toEqual([1, 2, 3]);
    expect(Array.from(out.values)).toEqual([3, 4, Number.NaN]);
  });
});
