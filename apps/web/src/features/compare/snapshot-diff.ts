import type { TarFile } from "./tar-reader.js";

/** Changed files larger than this (either side) are compared by content only, without a line diff. */
export const MAX_LINE_DIFF_BYTES = 1024 * 1024;

export interface SnapshotFile {
  path: string;
  size: number;
}

export interface ChangedFile {
  path: string;
  sizeA: number;
  sizeB: number;
  /** text: both sides decode as UTF-8 without NUL bytes; large: over MAX_LINE_DIFF_BYTES. */
  kind: "text" | "binary" | "large";
  /** The texts, for `text` files only. */
  textA: string | null;
  textB: string | null;
}

export interface SnapshotDiff {
  added: SnapshotFile[];
  removed: SnapshotFile[];
  changed: ChangedFile[];
  unchanged: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text of a file, or null when it looks binary (a NUL byte, or not valid UTF-8). */
export function decodeText(data: Uint8Array): string | null {
  if (data.includes(0)) return null;
  try {
    return utf8.decode(data);
  } catch {
    return null;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function byPath(files: readonly TarFile[]): Map<string, Uint8Array> {
  // A path stored twice: the later entry wins, as when the archive is extracted.
  return new Map(files.map((f) => [f.path, f.data]));
}

/** Files only in B (added), only in A (removed), and in both with different bytes (changed), by path. */
export function diffSnapshots(a: readonly TarFile[], b: readonly TarFile[]): SnapshotDiff {
  const filesA = byPath(a);
  const filesB = byPath(b);
  const result: SnapshotDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const [path, dataA] of filesA) {
    const dataB = filesB.get(path);
    if (dataB === undefined) {
      result.removed.push({ path, size: dataA.length });
      continue;
    }
    if (sameBytes(dataA, dataB)) {
      result.unchanged++;
      continue;
    }
    const sizes = { path, sizeA: dataA.length, sizeB: dataB.length };
    if (dataA.length > MAX_LINE_DIFF_BYTES || dataB.length > MAX_LINE_DIFF_BYTES) {
      result.changed.push({ ...sizes, kind: "large", textA: null, textB: null });
      continue;
    }
    const textA = decodeText(dataA);
    const textB = decodeText(dataB);
    if (textA === null || textB === null) result.changed.push({ ...sizes, kind: "binary", textA: null, textB: null });
    else result.changed.push({ ...sizes, kind: "text", textA, textB });
  }
  for (const [path, dataB] of filesB) if (!filesA.has(path)) result.added.push({ path, size: dataB.length });
  const order = (x: { path: string }, y: { path: string }) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0);
  result.added.sort(order);
  result.removed.sort(order);
  result.changed.sort(order);
  return result;
}
