import { comparePoints } from "./point-order.js";

/** Points of one series as columns, sorted in point order unless said otherwise. */
export interface PointColumns {
  length: number;
  steps: Float64Array;
  values: Float64Array;
  times: Float64Array;
}

export function allocColumns(length: number): PointColumns {
  return {
    length,
    steps: new Float64Array(length),
    values: new Float64Array(length),
    times: new Float64Array(length),
  };
}

export function sliceColumns(cols: PointColumns, from: number, to: number): PointColumns {
  return {
    length: to - from,
    steps: cols.steps.subarray(from, to),
    values: cols.values.subarray(from, to),
    times: cols.times.subarray(from, to),
  };
}

export function concatColumns(a: PointColumns, b: PointColumns): PointColumns {
  const out = allocColumns(a.length + b.length);
  out.steps.set(a.steps.subarray(0, a.length), 0);
  out.values.set(a.values.subarray(0, a.length), 0);
  out.times.set(a.times.subarray(0, a.length), 0);
  out.steps.set(b.steps.subarray(0, b.length), a.length);
  out.values.set(b.values.subarray(0, b.length), a.length);
  out.times.set(b.times.subarray(0, b.length), a.length);
  return out;
}

/**
 * Merges two sorted, duplicate-free column sets. Points of `added` equal to a point of `base`
 * are dropped; `inserted` receives the positions (in the result) of the points taken from
 * `added`, so callers can summarise exactly what was stored.
 */
export function mergeColumns(base: PointColumns, added: PointColumns, inserted: number[]): PointColumns {
  const out = allocColumns(base.length + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  const { steps: bs, values: bv, times: bt } = base;
  const { steps: as, values: av, times: at } = added;
  while (i < base.length || j < added.length) {
    let takeAdded: boolean;
    if (i >= base.length) takeAdded = true;
    else if (j >= added.length) takeAdded = false;
    else {
      const c = comparePoints(
        as[j] as number,
        at[j] as number,
        av[j] as number,
        bs[i] as number,
        bt[i] as number,
        bv[i] as number,
      );
      if (c === 0) {
        j++;
        continue;
      }
      takeAdded = c < 0;
    }
    if (takeAdded) {
      out.steps[k] = as[j] as number;
      out.values[k] = av[j] as number;
      out.times[k] = at[j] as number;
      inserted.push(k);
      j++;
    } else {
      out.steps[k] = bs[i] as number;
      out.values[k] = bv[i] as number;
      out.times[k] = bt[i] as number;
      i++;
    }
    k++;
  }
  return sliceColumns(out, 0, k);
}

/** Copies the points at `positions` (ascending) into new columns. */
export function pickColumns(cols: PointColumns, positions: number[]): PointColumns {
  const out = allocColumns(positions.length);
  for (let k = 0; k < positions.length; k++) {
    const p = positions[k] as number;
    out.steps[k] = cols.steps[p] as number;
    out.values[k] = cols.values[p] as number;
    out.times[k] = cols.times[p] as number;
  }
  return out;
}
