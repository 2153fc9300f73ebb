import type { MetricDb } from "./metric-db.js";
import { deleteNodes, loadChildren, loadNodes, loadRoots, type NodeRow, upsertNodes } from "./node-store.js";
import { mergeAll } from "./summary.js";
import { byFirstPoint, FANOUT, MAX_CHILDREN, type NodeNumbers, pieceSizes, takeNodeNo } from "./tree-shape.js";

/**
 * Keeps the rollup levels of a series in shape. Invariants, per level: nodes are ordered and
 * do not overlap; the nodes that have a parent form a prefix, and the level above covers
 * exactly that prefix; the tail chunk never has a parent. So the unparented nodes (the roots)
 * are a few per level at the right end of the series, with higher levels first.
 */

/** Groups unparented nodes FANOUT at a time under new rollups, level by level. */
export async function regroup(db: MetricDb, numbers: NodeNumbers): Promise<void> {
  const roots = await loadRoots(db, numbers.seriesId);
  const byLevel = new Map<number, NodeRow[]>();
  let top = 0;
  for (const r of roots) {
    const list = byLevel.get(r.level);
    if (list) list.push(r);
    else byLevel.set(r.level, [r]);
    top = Math.max(top, r.level);
  }
  const changed = new Map<number, NodeRow>();
  for (let level = 0; level <= top; level++) {
    const list = (byLevel.get(level) ?? []).sort(byFirstPoint);
    const eligible = list.filter((n) => !n.isTail);
    for (let i = 0; i + FANOUT <= eligible.length; i += FANOUT) {
      const kids = eligible.slice(i, i + FANOUT);
      const parent: NodeRow = {
        seriesId: numbers.seriesId,
        nodeNo: takeNodeNo(numbers),
        level: level + 1,
        parentNo: null,
        children: kids.length,
        parts: 0,
        isTail: false,
        summary: mergeAll(kids.map((k) => k.summary)),
      };
      for (const k of kids) {
        k.parentNo = parent.nodeNo;
        changed.set(k.nodeNo, k);
      }
      changed.set(parent.nodeNo, parent);
      // New rollups come after every existing node of their level.
      const above = byLevel.get(level + 1);
      if (above) above.push(parent);
      else byLevel.set(level + 1, [parent]);
      top = Math.max(top, level + 1);
    }
  }
  if (changed.size > 0) await upsertNodes(db, [...changed.values()]);
}

/**
 * Recomputes the summaries of rollups whose children changed, bottom-up, splitting rollups
 * that gathered more than MAX_CHILDREN children. Returns true when roots were split (the
 * caller then regroups).
 */
export async function fixAncestors(db: MetricDb, numbers: NodeNumbers, dirty: Set<number>): Promise<boolean> {
  const seriesId = numbers.seriesId;
  let pending = [...dirty];
  let rootsSplit = false;
  while (pending.length > 0) {
    const parents = await loadNodes(db, seriesId, pending);
    const kids = await loadChildren(db, seriesId, pending);
    const kidsOf = new Map<number, NodeRow[]>();
    for (const k of kids) {
      const parentNo = k.parentNo as number;
      const list = kidsOf.get(parentNo);
      if (list) list.push(k);
      else kidsOf.set(parentNo, [k]);
    }
    const changed = new Map<number, NodeRow>();
    const emptied: number[] = [];
    const next = new Set<number>();
    for (const parent of parents) {
      if (parent.parentNo !== null) next.add(parent.parentNo);
      const children = (kidsOf.get(parent.nodeNo) ?? []).sort(byFirstPoint);
      if (children.length === 0) {
        emptied.push(parent.nodeNo);
        continue;
      }
      const sizes = pieceSizes(children.length, MAX_CHILDREN);
      if (sizes.length > 1 && parent.parentNo === null) rootsSplit = true;
      let at = 0;
      for (const [i, size] of sizes.entries()) {
        const piece = children.slice(at, at + size);
        at += size;
        const node: NodeRow =
          i === 0
            ? parent
            : {
                seriesId,
                nodeNo: takeNodeNo(numbers),
                level: parent.level,
                parentNo: parent.parentNo,
                children: 0,
                parts: 0,
                isTail: false,
                summary: parent.summary,
              };
        node.children = piece.length;
        node.summary = mergeAll(piece.map((k) => k.summary));
        changed.set(node.nodeNo, node);
        if (i > 0) {
          for (const k of piece) {
            k.parentNo = node.nodeNo;
            changed.set(k.nodeNo, k);
          }
        }
      }
    }
    if (emptied.length > 0) await deleteNodes(db, seriesId, emptied);
    if (changed.size > 0) await upsertNodes(db, [...changed.values()]);
    pending = [...next];
  }
  return rootsSplit;
}
