import { hostIsLittleEndian } from "./float64-bytes.js";
import { allocColumns, type PointColumns } from "./point-columns.js";

/**
 * The on-disk format of a chunk part: packed columns of steps, values and times, exact to
 * the bit (NaN, ±Infinity, −0). Each column picks the smallest of three encodings:
 * - RAW: n little-endian float64 values;
 * - LINEAR: start and delta as float64, when every value[i] is bit-identical to
 *   start + i × delta (steps logged every k iterations, constant values);
 * - DELTAS: the first value as float64, then zig-zag varint differences, when every value is
 *   an integer (not −0) and every difference is below 2^52 in magnitude (wall times in ms).
 * Layout: byte 0 format version (1), bytes 1–3 the three column modes, bytes 4–7 n (u32 LE),
 * then per column its payload; a DELTAS payload is preceded by its byte length (u32 LE).
 * Values are usually RAW, so a typical point costs 8 bytes plus 1–2 for its time.
 */
const VERSION = 1;
const RAW = 0;
const LINEAR = 1;
const DELTAS = 2;
const MAX_DELTA = 2 ** 52;

function isLinear(col: Float64Array, n: number): boolean {
  if (n < 2) return true;
  const start = col[0] as number;
  const delta = (col[1] as number) - start;
  for (let i = 0; i < n; i++) if (!Object.is(start + i * delta, col[i])) return false;
  return true;
}

function deltaBytes(col: Float64Array, n: number): number {
  let bytes = 0;
  let prev = col[0] as number;
  if (!Number.isInteger(prev) || Object.is(prev, -0) || Math.abs(prev) > Number.MAX_SAFE_INTEGER) return -1;
  for (let i = 1; i < n; i++) {
    const v = col[i] as number;
    const d = v - prev;
    if (!Number.isInteger(v) || Object.is(v, -0) || !(Math.abs(d) < MAX_DELTA)) return -1;
    let zig = d >= 0 ? 2 * d : -2 * d - 1;
    do {
      bytes++;
      zig = Math.floor(zig / 128);
    } while (zig > 0);
    prev = v;
  }
  return bytes;
}

interface ColumnPlan {
  mode: number;
  size: number;
  varintBytes: number;
}

function planColumn(col: Float64Array, n: number): ColumnPlan {
  if (isLinear(col, n)) return { mode: LINEAR, size: 16, varintBytes: 0 };
  const varintBytes = deltaBytes(col, n);
  if (varintBytes >= 0 && 12 + varintBytes < 8 * n) return { mode: DELTAS, size: 12 + varintBytes, varintBytes };
  return { mode: RAW, size: 8 * n, varintBytes: 0 };
}

function writeColumn(view: DataView, bytes: Buffer, at: number, col: Float64Array, n: number, plan: ColumnPlan) {
  if (plan.mode === RAW) {
    for (let i = 0; i < n; i++) view.setFloat64(at + 8 * i, col[i] as number, true);
    return;
  }
  const first = col[0] as number;
  view.setFloat64(at, first, true);
  if (plan.mode === LINEAR) {
    view.setFloat64(at + 8, n < 2 ? 0 : (col[1] as number) - first, true);
    return;
  }
  view.setUint32(at + 8, plan.varintBytes, true);
  let p = at + 12;
  let prev = first;
  for (let i = 1; i < n; i++) {
    const v = col[i] as number;
    const d = v - prev;
    let zig = d >= 0 ? 2 * d : -2 * d - 1;
    while (zig >= 128) {
      bytes[p++] = (zig % 128) | 128;
      zig = Math.floor(zig / 128);
    }
    bytes[p++] = zig;
    prev = v;
  }
}

export function encodeColumns(cols: PointColumns): Buffer {
  const n = cols.length;
  const columns = [cols.steps, cols.values, cols.times];
  const plans = columns.map((c) => planColumn(c, n));
  const size = 8 + plans.reduce((s, p) => s + p.size, 0);
  const bytes = Buffer.alloc(size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  bytes[0] = VERSION;
  let at = 8;
  for (const [i, plan] of plans.entries()) {
    bytes[1 + i] = plan.mode;
    writeColumn(view, bytes, at, columns[i] as Float64Array, n, plan);
    at += plan.size;
  }
  view.setUint32(4, n, true);
  return bytes;
}

/** Reads one column into `out[at, at + n)`; returns the offset after its payload. */
function readColumn(
  view: DataView,
  bytes: Uint8Array,
  pos: number,
  mode: number,
  n: number,
  out: Float64Array,
  at: number,
) {
  if (mode === RAW) {
    const offset = bytes.byteOffset + pos;
    if (hostIsLittleEndian && offset % 8 === 0) out.set(new Float64Array(bytes.buffer, offset, n), at);
    else for (let i = 0; i < n; i++) out[at + i] = view.getFloat64(pos + 8 * i, true);
    return pos + 8 * n;
  }
  const first = view.getFloat64(pos, true);
  if (mode === LINEAR) {
    const delta = view.getFloat64(pos + 8, true);
    for (let i = 0; i < n; i++) out[at + i] = first + i * delta;
    return pos + 16;
  }
  if (mode !== DELTAS) throw new Error(`unknown metric column encoding ${mode}`);
  const length = view.getUint32(pos + 8, true);
  let p = pos + 12;
  let value = first;
  if (n > 0) out[at] = first;
  for (let i = 1; i < n; i++) {
    let zig = 0;
    let scale = 1;
    let b: number;
    do {
      b = bytes[p++] as number;
      zig += (b & 127) * scale;
      scale *= 128;
    } while (b >= 128);
    value += zig % 2 === 0 ? zig / 2 : -(zig + 1) / 2;
    out[at + i] = value;
  }
  return pos + 12 + length;
}

export function partLength(part: Uint8Array): number {
  return new DataView(part.buffer, part.byteOffset, part.byteLength).getUint32(4, true);
}

/** Decodes parts (in order) into `out` from position `at`; returns the position after them. */
export function decodePartsInto(parts: Uint8Array[], out: PointColumns, at: number): number {
  let pos = at;
  for (const part of parts) {
    if (part[0] !== VERSION) throw new Error(`unknown metric chunk format ${part[0]}`);
    const view = new DataView(part.buffer, part.byteOffset, part.byteLength);
    const n = view.getUint32(4, true);
    let offset = 8;
    offset = readColumn(view, part, offset, part[1] as number, n, out.steps, pos);
    offset = readColumn(view, part, offset, part[2] as number, n, out.values, pos);
    readColumn(view, part, offset, part[3] as number, n, out.times, pos);
    pos += n;
  }
  return pos;
}

/** Decodes the parts of one chunk (in part order) into one set of columns. */
export function decodeParts(parts: Uint8Array[]): PointColumns {
  let total = 0;
  for (const part of parts) total += partLength(part);
  const out = allocColumns(total);
  decodePartsInto(parts, out, 0);
  return out;
}
