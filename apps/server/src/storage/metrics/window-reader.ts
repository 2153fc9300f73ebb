import type { WindowRequest, WindowResult } from "../../ports/store.js";
import { bucketize, type WindowPiece } from "./bucketing.js";
import type { MetricDb } from "./metric-db.js";
import {
  loadChildren,
  loadChunkData,
  loadLevelSummaries,
  loadRoots,
  loadSegmentsInRange,
  type NodeRow,
  type NodeSummary,
} from "./node-store.js";
import type { PointColumns } from "./point-columns.js";
import { compareKeys } from "./point-order.js";
import { byFirstPoint, CHUNK_CAPACITY, nominalSize } from "./tree-shape.js";

/**
 * `MetricRepo.readWindow` for one series. Three steps, each a handful of queries:
 * 1. From the roots, descend only into nodes that straddle a window edge: the window is now
 *    covered by whole nodes plus the points of at most two edge chunks, cut exactly.
 * 2. With the exact point count P, pick the coarsest level whose full nodes hold at most
 *    P / buckets points and replace coarser nodes by their descendants at that level (one
 *    range query). Levels are a factor of 2 apart, so this reads at most ~2 × buckets nodes
 *    however long the series is. Below a chunk's size, the summaries of 128-point segments
 *    kept with each chunk part serve instead, and small windows are decoded to points.
 * 3. Group the pieces into buckets (bucketing.ts).
 */

/** Windows with at most this many points (and buckets finer than a chunk) are decoded. */
const DECODE_LIMIT = 131_072;

type Item = { node: NodeSummary; inside: true } | { node: NodeSummary; inside: false; points: PointColumns };

function cutColumns(cols: PointColumns, start: number, end: number): PointColumns {
  let from = 0;
  while (from < cols.length && (cols.steps[from] as number) < start) from++;
  let to = cols.length;
  while (to > from && (cols.steps[to - 1] as number) > end) to--;
  return {
    length: to - from,
    steps: cols.steps.subarray(from, to),
    values: cols.values.subarray(from, to),
    times: cols.times.subarray(from, to),
  };
}

/** Step 1: whole nodes inside the window and the cut points of the edge chunks, in order. */
async function coverWindow(db: MetricDb, seriesId: number, start: number, end: number): Promise<Item[]> {
  let frontier = (await loadRoots(db, seriesId)).sort(byFirstPoint);
  const edgeChunks: NodeRow[] = [];
  const nodes: NodeRow[] = [];
  for (;;) {
    const straddling: NodeRow[] = [];
    for (const n of frontier) {
      const first = n.summary.first.step;
      const last = n.summary.last.step;
      if (last < start || first > end) continue;
      if (first >= start && last <= end) nodes.push(n);
      else if (n.level === 0) edgeChunks.push(n);
      else straddling.push(n);
    }
    if (straddling.length === 0) break;
    frontier = await loadChildren(
      db,
      seriesId,
      straddling.map((n) => n.nodeNo),
    );
  }
  const data = await loadChunkData(
    db,
    seriesId,
    edgeChunks.map((n) => n.nodeNo),
  );
  const items: Item[] = nodes.map((node) => ({ node, inside: true }));
  for (const node of edgeChunks) {
    const cols = data.get(node.nodeNo);
    if (cols) items.push({ node, inside: false, points: cutColumns(cols, start, end) });
  }
  return items.sort((x, y) => byFirstPoint(x.node, y.node));
}

/** Step 2: replaces nodes above `level` by their descendants at `level` (runs are contiguous). */
async function refine(db: MetricDb, seriesId: number, items: Item[], level: number): Promise<Item[]> {
  const out: Item[] = [];
  let i = 0;
  while (i < items.length) {
    const item = items[i] as Item;
    if (item.node.level <= level) {
      out.push(item);
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < items.length && (items[j + 1] as Item).node.level > level) j++;
    const firstKey = item.node.summary.first;
    const lastKey = (items[j] as Item).node.summary.last;
    const found = await loadLevelSummaries(db, seriesId, level, firstKey.step, lastKey.step);
    const within = found.filter(
      (n) => compareKeys(n.summary.first, firstKey) >= 0 && compareKeys(n.summary.last, lastKey) <= 0,
    );
    for (const node of within.sort(byFirstPoint)) out.push({ node, inside: true });
    i = j + 1;
  }
  return out;
}

type Mode = "points" | "segments" | "nodes";

/** How to serve buckets of `perBucket` points out of `total`. */
function chooseMode(total: number, buckets: number): { mode: Mode; level: number } {
  const perBucket = total / buckets;
  if (total <= buckets || (perBucket < CHUNK_CAPACITY && total <= DECODE_LIMIT)) return { mode: "points", level: 0 };
  // Chunks serve buckets of half a chunk or more (so at least buckets / 2 of them, cheaply);
  // finer buckets over long windows take the 128-point segment summaries of chunk parts.
  if (perBucket < CHUNK_CAPACITY / 2) return { mode: "segments", level: 0 };
  let level = 0;
  while (nominalSize(level + 1) <= perBucket) level++;
  return { mode: "nodes", level };
}

/** Step 3's input: the pieces of the window, whole nodes expanded as `mode` asks. */
async function toPieces(db: MetricDb, seriesId: number, items: Item[], mode: Mode): Promise<WindowPiece[]> {
  const pieces: WindowPiece[] = [];
  const inside = items.filter((it) => it.inside);
  const data =
    mode === "points"
      ? await loadChunkData(
          db,
          seriesId,
          inside.map((it) => it.node.nodeNo),
        )
      : null;
  const segments =
    mode === "segments" && inside.length > 0
      ? await loadSegmentsInRange(
          db,
          seriesId,
          (inside[0] as Item).node.summary.first.step,
          (inside[inside.length - 1] as Item).node.summary.last.step,
        )
      : null;
  for (const it of items) {
    if (!it.inside) {
      pieces.push({ kind: "points", cols: it.points, from: 0, to: it.points.length });
      continue;
    }
    const cols = data?.get(it.node.nodeNo);
    const packed = segments?.get(it.node.nodeNo);
    if (cols) pieces.push({ kind: "points", cols, from: 0, to: cols.length });
    else if (packed) for (const p of packed) pieces.push({ kind: "packed", packed: p });
    else pieces.push({ kind: "summary", summary: it.node.summary });
  }
  return pieces;
}

export async function readSeriesWindow(db: MetricDb, seriesId: number, request: WindowRequest): Promise<WindowResult> {
  const buckets = Math.max(1, Math.floor(request.buckets));
  const start = request.startStep ?? Number.NEGATIVE_INFINITY;
  const end = request.endStep ?? Number.POSITIVE_INFINITY;
  if (start > end) return { sampled: false, totalPoints: 0, buckets: [] };
  const covered = await coverWindow(db, seriesId, start, end);
  let total = 0;
  for (const it of covered) total += it.inside ? it.node.summary.count : it.points.length;
  if (total === 0) return { sampled: false, totalPoints: 0, buckets: [] };
  const { mode, level } = chooseMode(total, buckets);
  const items = await refine(db, seriesId, covered, level);
  const out = bucketize(await toPieces(db, seriesId, items, mode), total, buckets);
  return { sampled: out.length < total, totalPoints: total, buckets: out };
}
