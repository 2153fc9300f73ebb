import { comparePoints } from "./point-order.js";

/**
 * Points as packed columns. A chunk part on disk is `steps ‖ values ‖ times`, each column
 * `length` little-endian float64 values, so NaN payloads, ±Infinity and −0 round-trip exactly.
 */
export interface PointColumns {
  length: number;
  steps: Float64Array;
  values: Float64Array;
  times: Float64Array;
}

const littleEndian = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

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

export function encodeColumns(cols: PointColumns): Buffer {
  const n = cols.length;
  const packed = new Float64Array(n * 3);
  packed.set(cols.steps.subarray(0, n), 0);
  packed.set(cols.values.subarray(0, n), n);
  packed.set(cols.times.subarray(0, n), 2 * n);
  return float64Bytes(packed);
}

/** Little-endian bytes of `packed` (a view when the host is little-endian). */
export function float64Bytes(packed: Float64Array): Buffer {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  if (!littleEndian) swapBytes(bytes);
  return bytes;
}

/** Decodes the parts of one chunk (in part order) into one set of columns. */
export function decodeParts(parts: Uint8Array[]): PointColumns {
  let total = 0;
  for (const part of parts) total += part.byteLength / 24;
  const out = allocColumns(total);
  let at = 0;
  for (const part of parts) {
    const n = part.byteLength / 24;
    const packed = toFloat64(part);
    out.steps.set(packed.subarray(0, n), at);
    out.values.set(packed.subarray(n, 2 * n), at);
    out.times.set(packed.subarray(2 * n, 3 * n), at);
    at += n;
  }
  return out;
}

/** A Float64Array over little-endian bytes (copied when unaligned or on big-endian hosts). */
export function toFloat64(bytes: Uint8Array): Float64Array {
  if (littleEndian && bytes.byteOffset % 8 === 0) {
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  }
  const copy = new Uint8Array(bytes);
  if (!littleEndian) swapBytes(copy);
  return new Float64Array(copy.buffer, 0, copy.byteLength / 8);
}

function swapBytes(bytes: Uint8Array): void {
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    for (let j = 0; j < 4; j++) {
      const a = bytes[i + j] as number;
      bytes[i + j] = bytes[i + 7 - j] as number;
      bytes[i + 7 - j] = a;
    }
  }
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
