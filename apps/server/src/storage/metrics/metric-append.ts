import type { PointRecord } from "../../ports/store.js";
import { addSeriesKeys } from "../kysely/key-registry.js";
import { prepareBatch } from "./batch-prep.js";
import { insertLate } from "./late-insert.js";
import { chunked, type MetricDb, placeholders, query } from "./metric-db.js";
import {
  chunkKey,
  deletePartsOfMany,
  insertParts,
  loadChunkDataOf,
  type NodeRow,
  type PartRow,
  toNodeRow,
  upsertNodes,
} from "./node-store.js";
import { type PointColumns, sliceColumns } from "./point-columns.js";
import { comparePoints } from "./point-order.js";
import {
  addToTotals,
  emptyTotals,
  type SeriesRowValues,
  type SeriesTotals,
  totalsFromRow,
  upsertSeries,
} from "./series-rows.js";
import { summarizeColumns } from "./summary.js";
import { planTailAppend, rewritesTail, type TailPlan } from "./tail-append.js";
import { regroup } from "./tree-maintenance.js";
import { FANOUT, type NodeNumbers } from "./tree-shape.js";

/**
 * `MetricRepo.append`: one round trip reads every touched series with its tail chunk; points
 * after the tail go down the fast path (a new part per tail, new chunks), others down the
 * slow path (late-insert.ts); then series rows, nodes and parts are written in a few
 * multi-row statements, and rollups are added where chunks were sealed.
 */
interface SeriesState {
  id: number;
  totals: SeriesTotals;
  /** Null only for a series row without points (never left behind by this store). */
  tail: NodeRow | null;
  maxNo: number;
  /** Unparented chunks, the tail included. */
  looseChunks: number;
}

const STATE_SQL =
  "select s.id, s.key, s.count, s.nan_count, s.finite_count, s.finite_sum, s.min_value, s.max_value," +
  " s.last_step, s.last_time, s.last_value, s.last_kind, t.node_no, t.children, t.parts, t.summary," +
  " (select m.node_no from metric_nodes m where m.series_id = s.id order by m.node_no desc limit 1) as max_no," +
  " (select count(*) from metric_nodes r where r.series_id = s.id and r.parent_no is null and r.level = 0) as loose" +
  " from metric_series s left join metric_nodes t on t.series_id = s.id and t.parent_no is null and t.is_tail = 1" +
  " where s.run_id = ? and s.key in ";

type StateRow = SeriesRowValues & {
  id: number | string;
  key: string;
  node_no: number | string | null;
  children: number | string | null;
  parts: number | string | null;
  summary: Uint8Array | null;
  max_no: number | string | null;
  loose: number | string;
};

async function loadStates(db: MetricDb, runId: string, keys: string[]): Promise<Map<string, SeriesState>> {
  const states = new Map<string, SeriesState>();
  for (const part of chunked(keys, 500)) {
    const rows = await query<StateRow>(db, `${STATE_SQL}(${placeholders(part.length)})`, [runId, ...part]);
    for (const r of rows) {
      const tail =
        r.summary === null
          ? null
          : toNodeRow({
              series_id: r.id,
              node_no: r.node_no ?? 0,
              level: 0,
              parent_no: null,
              children: r.children ?? 0,
              parts: r.parts ?? 0,
              is_tail: 1,
              summary: r.summary,
            });
      states.set(r.key, {
        id: Number(r.id),
        totals: totalsFromRow(r),
        tail,
        maxNo: Number(r.max_no ?? 0),
        looseChunks: Number(r.loose),
      });
    }
  }
  return states;
}

/** Index of the first point after `last` (points are sorted). */
function firstAfter(cols: PointColumns, last: NodeRow["summary"]["last"]): number {
  const after = (i: number) =>
    comparePoints(
      cols.steps[i] as number,
      cols.times[i] as number,
      cols.values[i] as number,
      last.step,
      last.time,
      last.value,
    ) > 0;
  if (cols.length === 0 || after(0)) return 0;
  let lo = 0;
  let hi = cols.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (after(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

interface Pending {
  key: string;
  numbers: NodeNumbers;
  /** Unparented chunks before this batch (the tail included); -1 when unknown. */
  looseChunks: number;
  tail: NodeRow | null;
  fresh: PointColumns;
  totals: SeriesTotals;
}

export async function appendPoints(db: MetricDb, runId: string, points: PointRecord[]): Promise<number> {
  if (points.length === 0) return 0;
  const batch = prepareBatch(points);
  const states = await loadStates(db, runId, [...batch.keys()]);
  const pending: Pending[] = [];
  let stored = 0;
  for (const [key, cols] of batch) {
    if (cols.length === 0) continue;
    const state = states.get(key);
    if (!state) {
      const totals = addToTotals(emptyTotals, summarizeColumns(cols));
      pending.push({ key, numbers: { seriesId: 0, next: 1 }, looseChunks: 0, tail: null, fresh: cols, totals });
      stored += cols.length;
      continue;
    }
    const numbers = { seriesId: state.id, next: state.maxNo + 1 };
    let totals = state.tail ? state.totals : emptyTotals;
    let tail = state.tail;
    const split = tail ? firstAfter(cols, tail.summary.last) : 0;
    if (tail && split > 0) {
      const late = await insertLate(db, numbers, tail, sliceColumns(cols, 0, split));
      tail = late.tail;
      if (late.stored) {
        totals = addToTotals(totals, late.stored);
        stored += late.stored.count;
      }
    }
    const fresh = sliceColumns(cols, split, cols.length);
    if (fresh.length > 0) {
      totals = addToTotals(totals, summarizeColumns(fresh));
      stored += fresh.length;
    }
    if (fresh.length > 0 || totals !== state.totals || !state.tail)
      pending.push({ key, numbers, looseChunks: split > 0 ? -1 : state.looseChunks, tail, fresh, totals });
  }
  if (pending.length === 0) return stored;

  const ids = await upsertSeries(
    db,
    runId,
    pending.map((p) => ({ key: p.key, totals: p.totals })),
  );
  // A run's first series of a key adds the key to the project's registry.
  await addSeriesKeys(
    db.kysely,
    runId,
    pending.filter((p) => !states.has(p.key)).map((p) => p.key),
  );
  const appending = pending.filter((p) => p.fresh.length > 0);
  for (const p of appending) p.numbers.seriesId = ids.get(p.key) ?? p.numbers.seriesId;
  const rewritten = appending.flatMap((p) =>
    p.tail && rewritesTail(p.tail, p.fresh) ? [{ seriesId: p.numbers.seriesId, nodeNo: p.tail.nodeNo }] : [],
  );
  const held = await loadChunkDataOf(db, rewritten);
  const plans: { numbers: NodeNumbers; plan: TailPlan; regroup: boolean }[] = [];
  for (const p of appending) {
    const heldPoints = p.tail ? held.get(chunkKey(p.numbers.seriesId, p.tail.nodeNo)) : undefined;
    const plan = planTailAppend(p.numbers, p.tail, p.fresh, heldPoints);
    // Rollups are due once FANOUT sealed chunks lack a parent.
    const sealedBefore = Math.max(0, p.looseChunks - 1);
    const due = plan.sealed && (p.looseChunks < 0 || sealedBefore + plan.sealedCount >= FANOUT);
    plans.push({ numbers: p.numbers, plan, regroup: due });
  }
  await deletePartsOfMany(db, rewritten);
  await upsertNodes(
    db,
    plans.flatMap(({ plan }) => plan.nodes),
  );
  const parts: PartRow[] = plans.flatMap(({ plan }) => plan.parts);
  await insertParts(db, parts);
  for (const p of plans) if (p.regroup) await regroup(db, p.numbers);
  return stored;
}
