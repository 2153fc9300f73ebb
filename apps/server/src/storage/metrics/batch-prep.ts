import { LooplabError } from "@looplab/core";
import type { PointRecord } from "../../ports/store.js";
import { allocColumns, type PointColumns } from "./point-columns.js";
import { comparePoints } from "./point-order.js";

/**
 * Groups a batch by key, sorts each group in point order and drops duplicates inside it.
 * Batches usually arrive sorted, so sorting is skipped when a group already is.
 */
export function prepareBatch(points: PointRecord[]): Map<string, PointColumns> {
  const groups = new Map<string, PointRecord[]>();
  for (const p of points) {
    if (!Number.isFinite(p.step)) throw new LooplabError("INVALID_ARGUMENT", `metric ${p.key}: step must be finite`);
    if (!Number.isFinite(p.time)) throw new LooplabError("INVALID_ARGUMENT", `metric ${p.key}: time must be finite`);
    const group = groups.get(p.key);
    if (group) group.push(p);
    else groups.set(p.key, [p]);
  }
  const out = new Map<string, PointColumns>();
  for (const [key, group] of groups) out.set(key, toSortedColumns(group));
  return out;
}

function order(a: PointRecord, b: PointRecord): number {
  return comparePoints(a.step, a.time, a.value, b.step, b.time, b.value);
}

function toSortedColumns(group: PointRecord[]): PointColumns {
  let sorted = true;
  for (let i = 1; i < group.length; i++) {
    if (order(group[i - 1] as PointRecord, group[i] as PointRecord) >= 0) {
      sorted = false;
      break;
    }
  }
  const list = sorted ? group : [...group].sort(order);
  const cols = allocColumns(list.length);
  let n = 0;
  let prev: PointRecord | undefined;
  for (const p of list) {
    if (prev && order(prev, p) === 0) continue;
    cols.steps[n] = p.step;
    cols.values[n] = p.value;
    cols.times[n] = p.time;
    n++;
    prev = p;
  }
  cols.length = n;
  return cols;
}
