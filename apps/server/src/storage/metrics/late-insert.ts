import { type MetricDb, query } from "./metric-db.js";
import {
  deletePartsOf,
  insertParts,
  loadChunkData,
  loadChunksStartingIn,
  type NodeRow,
  type PartRow,
  upsertNodes,
} from "./node-store.js";
import { mergeColumns, type PointColumns, pickColumns, sliceColumns } from "./point-columns.js";
import { comparePoints } from "./point-order.js";
import { mergeSummaries, type Summary, summarizeColumns } from "./summary.js";
import { fixAncestors, regroup } from "./tree-maintenance.js";
import { byFirstPoint, CHUNK_CAPACITY, type NodeNumbers, pieceSizes, takeNodeNo } from "./tree-shape.js";

/**
 * The slow path: points that do not come after the series' last point (resumed runs,
 * clients logging out of order). Each goes into the chunk covering it (the last chunk whose
 * first point is not after it); chunks that overflow are split into pieces of at least half
 * the capacity, and the rollups above are recomputed. Exact duplicates are dropped.
 */
export interface LateResult {
  /** Summary of the points actually stored, null when all were duplicates. */
  stored: Summary | null;
  /** The tail chunk as it is now. */
  tail: NodeRow;
}

/** The chunks that may receive points with steps in [minStep, maxStep], in order. */
async function candidateChunks(db: MetricDb, seriesId: number, minStep: number, maxStep: number) {
  // A chunk starting at a smaller step starts before every point: the chunk covering the
  // first point is that one or a later one. (With an equal step it could start after it.)
  // Without such a chunk, the first points go into the first chunk.
  const text =
    "select first_step from metric_nodes where series_id = ? and level = 0 and first_step < ?" +
    " order by first_step desc limit 1";
  const [before] = await query<{ first_step: number }>(db, text, [seriesId, minStep]);
  const from = before ? Number(before.first_step) : -Number.MAX_VALUE;
  let chunks = await loadChunksStartingIn(db, seriesId, from, maxStep);
  if (chunks.length === 0) {
    const [first] = await query<{ first_step: number }>(
      db,
      "select first_step from metric_nodes where series_id = ? and level = 0 order by first_step limit 1",
      [seriesId],
    );
    if (first) chunks = await loadChunksStartingIn(db, seriesId, first.first_step, first.first_step);
  }
  return chunks.sort(byFirstPoint);
}

export async function insertLate(
  db: MetricDb,
  numbers: NodeNumbers,
  tail: NodeRow,
  late: PointColumns,
): Promise<LateResult> {
  const seriesId = numbers.seriesId;
  const n = late.length;
  const chunks = await candidateChunks(db, seriesId, late.steps[0] as number, late.steps[n - 1] as number);
  return applySlices(db, numbers, tail, late, assign(chunks, late));
}

/**
 * Assigns each point to its chunk (the last one whose first point is not after it, else the
 * first). Points are sorted and chunks ordered, so each chunk receives one contiguous slice.
 */
function assign(chunks: NodeRow[], late: PointColumns): { chunk: NodeRow; from: number; to: number }[] {
  const out: { chunk: NodeRow; from: number; to: number }[] = [];
  let c = 0;
  for (let i = 0; i < late.length; i++) {
    const s = late.steps[i] as number;
    const t = late.times[i] as number;
    const v = late.values[i] as number;
    while (c + 1 < chunks.length) {
      const f = (chunks[c + 1] as NodeRow).summary.first;
      if (comparePoints(f.step, f.time, f.value, s, t, v) > 0) break;
      c++;
    }
    const chunk = chunks[c] as NodeRow;
    const last = out[out.length - 1];
    if (last && last.chunk === chunk) last.to = i + 1;
    else out.push({ chunk, from: i, to: i + 1 });
  }
  return out;
}

async function applySlices(
  db: MetricDb,
  numbers: NodeNumbers,
  tail: NodeRow,
  late: PointColumns,
  slices: { chunk: NodeRow; from: number; to: number }[],
): Promise<LateResult> {
  const seriesId = numbers.seriesId;
  const data = await loadChunkData(
    db,
    seriesId,
    slices.map((s) => s.chunk.nodeNo),
  );
  let stored: Summary | null = null;
  let currentTail = tail;
  const nodes: NodeRow[] = [];
  const parts: PartRow[] = [];
  const rewritten: number[] = [];
  const dirty = new Set<number>();
  let rootsSplit = false;
  for (const { chunk, from, to } of slices) {
    const old = data.get(chunk.nodeNo);
    if (!old) throw new Error(`metric chunk ${seriesId}/${chunk.nodeNo} has no data`);
    const positions: number[] = [];
    const merged = mergeColumns(old, sliceColumns(late, from, to), positions);
    if (positions.length === 0) continue;
    const added = summarizeColumns(pickColumns(merged, positions));
    stored = stored ? mergeSummaries(stored, added) : added;
    rewritten.push(chunk.nodeNo);
    const sizes = pieceSizes(merged.length, CHUNK_CAPACITY);
    const wasTail = chunk.isTail;
    let at = 0;
    for (const [i, size] of sizes.entries()) {
      const piece = sliceColumns(merged, at, at + size);
      at += size;
      const isLast = i === sizes.length - 1;
      const node: NodeRow =
        i === 0
          ? chunk
          : {
              seriesId,
              nodeNo: takeNodeNo(numbers),
              level: 0,
              parentNo: chunk.parentNo,
              children: 0,
              parts: 1,
              isTail: false,
              summary: chunk.summary,
            };
      node.summary = summarizeColumns(piece);
      node.parts = 1;
      node.isTail = wasTail && isLast;
      if (node.isTail) currentTail = node;
      nodes.push(node);
      parts.push({ seriesId, nodeNo: node.nodeNo, part: 0, points: piece });
    }
    if (chunk.parentNo !== null) dirty.add(chunk.parentNo);
    else if (sizes.length > 1) rootsSplit = true;
  }
  if (rewritten.length > 0) {
    await deletePartsOf(db, seriesId, rewritten);
    await upsertNodes(db, nodes);
    await insertParts(db, parts);
    if (dirty.size > 0 && (await fixAncestors(db, numbers, dirty))) rootsSplit = true;
    if (rootsSplit) await regroup(db, numbers);
  }
  return { stored, tail: currentTail };
}
