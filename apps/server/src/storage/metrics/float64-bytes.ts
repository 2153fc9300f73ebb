/** Float64 values as little-endian bytes, whatever the host's byte order. */
export const hostIsLittleEndian = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function swapBytes(bytes: Uint8Array): void {
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    for (let j = 0; j < 4; j++) {
      const a = bytes[i + j] as number;
      bytes[i + j] = bytes[i + 7 - j] as number;
      bytes[i + 7 - j] = a;
    }
  }
}

/** Little-endian bytes of `packed` (a view of it on little-endian hosts). */
export function float64Bytes(packed: Float64Array): Buffer {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  if (!hostIsLittleEndian) swapBytes(bytes);
  return bytes;
}

/** A Float64Array over little-endian bytes (a copy when unaligned or on big-endian hosts). */
export function toFloat64(bytes: Uint8Array): Float64Array {
  if (hostIsLittleEndian && bytes.byteOffset % 8 === 0) {
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  }
  const copy = new Uint8Array(bytes);
  if (!hostIsLittleEndian) swapBytes(copy);
  return new Float64Array(copy.buffer, 0, copy.byteLength / 8);
}
