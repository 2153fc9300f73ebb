import type { NodeRow } from "./node-store.js";
import { compareKeys } from "./point-order.js";

/**
 * The shape of a series' tree. Chunks hold up to CHUNK_CAPACITY points (at least half of it
 * unless they are the tail); in-order growth groups FANOUT consecutive nodes under a new
 * rollup, and a rollup that gathers more than MAX_CHILDREN children through out-of-order
 * splits is split in turn. A fan-out of 2 keeps the levels a factor of 2 apart, so a read
 * can always find a level whose nodes hold between T/2 and T points for any bucket size T.
 */
export const CHUNK_CAPACITY = 1024;
export const FANOUT = 2;
export const MAX_CHILDREN = 2 * FANOUT;
/** The tail chunk is rewritten whole once it has this many parts. */
export const MAX_TAIL_PARTS = 32;

/** Points in a full node of `level` when the series grew in order. */
export function nominalSize(level: number): number {
  return CHUNK_CAPACITY * FANOUT ** level;
}

export function byFirstPoint(a: Pick<NodeRow, "summary">, b: Pick<NodeRow, "summary">): number {
  return compareKeys(a.summary.first, b.summary.first);
}

/** Hands out node numbers of one series. */
export interface NodeNumbers {
  seriesId: number;
  next: number;
}

export function takeNodeNo(numbers: NodeNumbers): number {
  const no = numbers.next;
  numbers.next++;
  return no;
}

/** Sizes of `count` items split into pieces of at most `max`, as equal as possible. */
export function pieceSizes(count: number, max: number): number[] {
  const pieces = Math.max(1, Math.ceil(count / max));
  const base = Math.floor(count / pieces);
  const extra = count - base * pieces;
  return Array.from({ length: pieces }, (_, i) => base + (i < extra ? 1 : 0));
}
