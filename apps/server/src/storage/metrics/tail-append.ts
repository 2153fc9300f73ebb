import { encodeColumns } from "./chunk-codec.js";
import { allocColumns, concatColumns, type PointColumns, sliceColumns } from "./point-columns.js";
import type { MetricDb } from "./metric-db.js";
import { loadChunkData, type NodeRow, type PartRow } from "./node-store.js";
import { mergeSummaries, summarizeColumns } from "./summary.js";
import { CHUNK_CAPACITY, MAX_TAIL_PARTS, type NodeNumbers, takeNodeNo } from "./tree-shape.js";

/**
 * The fast path: points that all come after the series' last point. They fill the tail
 * chunk (as a new part, without rewriting what it holds), then new chunks of full capacity;
 * the last chunk written becomes the tail. Nothing is written here: the caller batches the
 * rows of every series of a request into a few statements.
 */
export interface TailPlan {
  nodes: NodeRow[];
  parts: PartRow[];
  /** Chunks whose parts are deleted before `parts` are inserted (a tail rewritten whole). */
  rewrite: number[];
  /** True when a chunk stopped being the tail, so rollups may be due. */
  sealed: boolean;
  /** How many chunks were sealed (the old tail and full new chunks). */
  sealedCount: number;
}

export async function planTailAppend(
  db: MetricDb,
  numbers: NodeNumbers,
  tail: NodeRow | null,
  fresh: PointColumns,
): Promise<TailPlan> {
  const seriesId = numbers.seriesId;
  const plan: TailPlan = { nodes: [], parts: [], rewrite: [], sealed: false, sealedCount: 0 };
  const n = fresh.length;
  let at = 0;
  if (tail) {
    const room = CHUNK_CAPACITY - tail.summary.count;
    if (room > 0) {
      const piece = sliceColumns(fresh, 0, Math.min(room, n));
      at = piece.length;
      tail.summary = mergeSummaries(tail.summary, summarizeColumns(piece));
      if (tail.parts >= MAX_TAIL_PARTS) {
        const held = (await loadChunkData(db, seriesId, [tail.nodeNo])).get(tail.nodeNo) ?? allocColumns(0);
        plan.rewrite.push(tail.nodeNo);
        plan.parts.push({ seriesId, nodeNo: tail.nodeNo, part: 0, data: encodeColumns(concatColumns(held, piece)) });
        tail.parts = 1;
      } else {
        plan.parts.push({ seriesId, nodeNo: tail.nodeNo, part: tail.parts, data: encodeColumns(piece) });
        tail.parts += 1;
      }
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
    plan.parts.push({ seriesId, nodeNo: node.nodeNo, part: 0, data: encodeColumns(piece) });
  }
  return plan;
}
