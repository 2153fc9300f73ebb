import type { NodeRow, PartRow } from "./node-store.js";
import { concatColumns, type PointColumns, sliceColumns } from "./point-columns.js";
import { mergeSummaries, summarizeColumns } from "./summary.js";
import { CHUNK_CAPACITY, MAX_TAIL_PARTS, type NodeNumbers, takeNodeNo } from "./tree-shape.js";

/**
 * The fast path: points that all come after the series' last point. They fill the tail
 * chunk (as a new part, without rewriting what it holds), then new chunks of full capacity;
 * the last chunk written becomes the tail; every MAX_TAIL_PARTS appends the tail is rewritten
 * as one part. Nothing is written here: the caller batches the rows of every series of a
 * request into a few statements.
 */
export interface TailPlan {
  nodes: NodeRow[];
  parts: PartRow[];
  /** True when a chunk stopped being the tail, so rollups may be due. */
  sealed: boolean;
  /** How many chunks were sealed (the old tail and full new chunks). */
  sealedCount: number;
}

/**
 * How many of `n` new points go into the tail. A tail at least half full is sealed as it is
 * when they do not all fit, so that chunks written by big batches stay one part each.
 */
function tailFill(tail: NodeRow, n: number): number {
  const room = CHUNK_CAPACITY - tail.summary.count;
  if (n <= room) return n;
  return tail.summary.count >= CHUNK_CAPACITY / 2 ? 0 : room;
}

/** Parts a sealed chunk may keep; a tail sealed with more is rewritten as one part. */
const MAX_SEALED_PARTS = 2;

/**
 * True when appending to `tail` rewrites it as one part (its points must then be loaded
 * first): every MAX_TAIL_PARTS appends, and when it is sealed with more than
 * MAX_SEALED_PARTS parts, so that reads find at most a couple of rows per chunk.
 */
export function rewritesTail(tail: NodeRow | null, fresh: PointColumns): boolean {
  if (tail === null) return false;
  const fill = tailFill(tail, fresh.length);
  const seals = fill < fresh.length;
  return (fill > 0 && tail.parts >= MAX_TAIL_PARTS) || (seals && tail.parts + (fill > 0 ? 1 : 0) > MAX_SEALED_PARTS);
}

/** `held`: the tail's points, when `rewritesTail(tail)`. */
export function planTailAppend(
  numbers: NodeNumbers,
  tail: NodeRow | null,
  fresh: PointColumns,
  held: PointColumns | undefined,
): TailPlan {
  const seriesId = numbers.seriesId;
  const plan: TailPlan = { nodes: [], parts: [], sealed: false, sealedCount: 0 };
  const n = fresh.length;
  let at = 0;
  if (tail) {
    const rewrite = rewritesTail(tail, fresh);
    const piece = sliceColumns(fresh, 0, tailFill(tail, n));
    at = piece.length;
    if (piece.length > 0) tail.summary = mergeSummaries(tail.summary, summarizeColumns(piece));
    if (rewrite) {
      if (!held) throw new Error(`metric tail ${seriesId}/${tail.nodeNo}: points not loaded for its rewrite`);
      plan.parts.push({ seriesId, nodeNo: tail.nodeNo, part: 0, points: concatColumns(held, piece) });
      tail.parts = 1;
    } else if (piece.length > 0) {
      plan.parts.push({ seriesId, nodeNo: tail.nodeNo, part: tail.parts, points: piece });
      tail.parts += 1;
    }
    if (at < n) {
      tail.isTail = false;
      plan.sealed = true;
      plan.sealedCount++;
    }
    plan.nodes.push(tail);
  }
  while (at < n) {
    const piece = sliceColumns(fresh, at, Math.min(at + CHUNK_CAPACITY, n));
    at += piece.length;
    const node: NodeRow = {
      seriesId,
      nodeNo: takeNodeNo(numbers),
      level: 0,
      parentNo: null,
      children: 0,
      parts: 1,
      isTail: at === n,
      summary: summarizeColumns(piece),
    };
    if (!node.isTail) {
      plan.sealed = true;
      plan.sealedCount++;
    }
    plan.nodes.push(node);
    plan.parts.push({ seriesId, nodeNo: node.nodeNo, part: 0, points: piece });
  }
  return plan;
}
