import type { PointRecord } from "../../ports/store.js";
import { prepareBatch } from "./batch-prep.js";
import { type PointColumns, sliceColumns } from "./chunk-codec.js";
import { insertLate } from "./late-insert.js";
import { chunked, deletePartsOf, insertParts, type MetricDb, type NodeRow, type PartRow, toNodeRow, upsertNodes } from "./node-store.js";
import { comparePoints } from "./point-order.js";
import { addToTotals, emptyTotals, type SeriesTotals, seriesValueColumns, totalsFromRow, upsertSeries } from "./series-rows.js";
import { summarizeColumns } from "./summary.js";
import { type TailPlan, planTailAppend } from "./tail-append.js";
import { regroup } from "./tree-maintenance.js";
import type { NodeNumbers } from "./tree-shape.js";

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
}

async function loadStates(db: MetricDb, runId: string, keys: string[]): Promise<Map<string, SeriesState>> {
  const states = new Map<string, SeriesState>();
  for (const part of chunked(keys, 500)) {
    const rows = await db
      .selectFrom("metric_series as s")
      .leftJoin("metric_nodes as t", (join) =>
        join.onRef("t.series_id", "=", "s.id").on("t.parent_no", "is", null).on("t.is_tail", "=", 1),
      )
      .select(seriesValueColumns.map((c) => `s.${c}` as const))
      .select(["s.id", "s.key", "t.node_no", "t.level", "t.parent_no", "t.children", "t.parts", "t.is_tail", "t.summary"])
      .select((eb) =>
        eb
          .selectFrom("metric_nodes as m")
          .select("m.node_no")
          .whereRef("m.series_id", "=", "s.id")
          .orderBy("m.node_no", "desc")
          .limit(1)
          .as("max_no"),
      )
      .where("s.run_id", "=", runId)
      .where("s.key", "in", part)
      .execute();
    for (const r of rows) {
      states.set(r.key, {
        id: Number(r.id),
        totals: totalsFromRow(r),
        tail:
          r.summary === null
            ? null
            : toNodeRow({
                series_id: r.id,
                node_no: Number(r.node_no),
                level: Number(r.level),
                parent_no: null,
                children: Number(r.children),
                parts: Number(r.parts),
                is_tail: 1,
                summary: r.summary,
              }),
        maxNo: Number(r.max_no ?? 0),
      });
    }
  }
  return states;
}

/** Index of the first point after `last` (points are sorted). */
function firstAfter(cols: PointColumns, last: NodeRow["summary"]["last"]): number {
  const after = (i: number) =>
    comparePoints(cols.steps[i] as number, cols.times[i] as number, cols.values[i] as number, last.step, last.time, last.value) > 0;
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
      pending.push({ key, numbers: { seriesId: 0, next: 1 }, tail: null, fresh: cols, totals });
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
    if (fresh.length > 0 || totals !== state.totals || !state.tail) pending.push({ key, numbers, tail, fresh, totals });
  }
  if (pending.length === 0) return stored;

  const ids = await upsertSeries(
    db,
    runId,
    pending.map((p) => ({ key: p.key, totals: p.totals })),
  );
  const plans: { numbers: NodeNumbers; plan: TailPlan }[] = [];
  for (const p of pending) {
    if (p.fresh.length === 0) continue;
    p.numbers.seriesId = ids.get(p.key) ?? p.numbers.seriesId;
    plans.push({ numbers: p.numbers, plan: await planTailAppend(db, p.numbers, p.tail, p.fresh) });
  }
  const rewrite = plans.flatMap(({ numbers, plan }) => plan.rewrite.map((no) => [numbers.seriesId, no] as const));
  for (const [seriesId, no] of rewrite) await deletePartsOf(db, seriesId, [no]);
  await upsertNodes(
    db,
    plans.flatMap(({ plan }) => plan.nodes),
  );
  const parts: PartRow[] = plans.flatMap(({ plan }) => plan.parts);
  await insertParts(db, parts);
  for (const { numbers, plan } of plans) if (plan.sealed) await regroup(db, numbers);
  return stored;
}
