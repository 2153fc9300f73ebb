import type { MetricDb } from "./metric-db.js";
import { loadChunkData, type NodeRow, toNodeRow } from "./node-store.js";
import { compareKeys } from "./point-order.js";
import { decodeSegments, mergeAll, type Summary, summarizeColumns } from "./summary.js";
import { byFirstPoint, CHUNK_CAPACITY, MAX_CHILDREN } from "./tree-shape.js";

/**
 * Checks every structural invariant of one series' tree and returns the violations found
 * (empty when the tree is sound). Reads the whole series: for tests and diagnostics only.
 */
function sameSummary(a: Summary, b: Summary): boolean {
  const eq = (x: number, y: number) => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));
  const key = (p: Summary["first"], q: Summary["first"]) => compareKeys(p, q) === 0;
  const sumClose = Math.abs(a.finiteSum - b.finiteSum) <= 1e-9 * Math.max(1, Math.abs(a.finiteSum));
  return (
    a.count === b.count &&
    a.nanCount === b.nanCount &&
    a.finiteCount === b.finiteCount &&
    sumClose &&
    eq(a.min, b.min) &&
    eq(a.max, b.max) &&
    key(a.first, b.first) &&
    key(a.last, b.last)
  );
}

export async function checkSeriesTree(db: MetricDb, seriesId: number): Promise<string[]> {
  const problems: string[] = [];
  const rows = await db.kysely
    .selectFrom("metric_nodes")
    .select(["series_id", "node_no", "level", "parent_no", "children", "parts", "is_tail", "summary"])
    .where("series_id", "=", seriesId)
    .execute();
  const nodes = rows.map(toNodeRow);
  const byNo = new Map(nodes.map((n) => [n.nodeNo, n]));
  const levels = new Map<number, NodeRow[]>();
  for (const n of nodes) {
    const list = levels.get(n.level);
    if (list) list.push(n);
    else levels.set(n.level, [n]);
  }
  const chunks = (levels.get(0) ?? []).sort(byFirstPoint);
  const tails = chunks.filter((c) => c.isTail);
  if (chunks.length > 0 && (tails.length !== 1 || tails[0] !== chunks[chunks.length - 1])) {
    problems.push("the tail must be the one last chunk");
  }
  if (tails.some((t) => t.parentNo !== null)) problems.push("the tail has a parent");
  const data = await loadChunkData(
    db,
    seriesId,
    chunks.map((c) => c.nodeNo),
  );
  const partRows = await db.kysely
    .selectFrom("metric_chunk_parts")
    .select(["node_no", "segments"])
    .where("series_id", "=", seriesId)
    .execute();
  const partCount = new Map<number, number>();
  const segmentCount = new Map<number, number>();
  for (const r of partRows) {
    const no = Number(r.node_no);
    partCount.set(no, (partCount.get(no) ?? 0) + 1);
    const segments: Summary[] = [];
    decodeSegments(r.segments, segments);
    segmentCount.set(no, (segmentCount.get(no) ?? 0) + segments.reduce((n, s) => n + s.count, 0));
  }
  for (const [i, c] of chunks.entries()) {
    if (partCount.get(c.nodeNo) !== c.parts)
      problems.push(`chunk ${c.nodeNo}: ${partCount.get(c.nodeNo)} parts, says ${c.parts}`);
    if (segmentCount.get(c.nodeNo) !== c.summary.count) problems.push(`chunk ${c.nodeNo}: segments miscount points`);
    const cols = data.get(c.nodeNo);
    if (!cols || cols.length === 0) {
      problems.push(`chunk ${c.nodeNo} has no points`);
      continue;
    }
    if (!sameSummary(summarizeColumns(cols), c.summary)) problems.push(`chunk ${c.nodeNo}: summary differs from data`);
    if (cols.length > CHUNK_CAPACITY) problems.push(`chunk ${c.nodeNo} holds ${cols.length} points`);
    if (!c.isTail && i < chunks.length - 1 && cols.length < CHUNK_CAPACITY / 2) {
      problems.push(`chunk ${c.nodeNo} holds only ${cols.length} points`);
    }
  }
  for (const [level, list] of levels) {
    list.sort(byFirstPoint);
    let parentedDone = false;
    for (const [i, n] of list.entries()) {
      const prev = list[i - 1];
      if (prev && compareKeys(prev.summary.last, n.summary.first) >= 0) problems.push(`level ${level} overlaps`);
      if (n.parentNo === null) parentedDone = true;
      else if (parentedDone) problems.push(`level ${level}: parented node ${n.nodeNo} after a root`);
      if (n.parentNo !== null && byNo.get(n.parentNo)?.level !== level + 1) {
        problems.push(`node ${n.nodeNo}: parent ${n.parentNo} missing or on the wrong level`);
      }
      if (level === 0) continue;
      const kids = nodes.filter((k) => k.parentNo === n.nodeNo).sort(byFirstPoint);
      if (kids.length !== n.children) problems.push(`rollup ${n.nodeNo}: ${kids.length} children, says ${n.children}`);
      if (kids.length === 0 || kids.length > MAX_CHILDREN) problems.push(`rollup ${n.nodeNo}: ${kids.length} children`);
      else if (!sameSummary(mergeAll(kids.map((k) => k.summary)), n.summary)) {
        problems.push(`rollup ${n.nodeNo}: summary differs from children`);
      }
    }
  }
  return problems;
}
