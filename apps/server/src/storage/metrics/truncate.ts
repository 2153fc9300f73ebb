import { removeSeriesKeys } from "../kysely/key-registry.js";
import { chunked, type MetricDb, query } from "./metric-db.js";
import {
  deleteNodes,
  deletePartsOf,
  insertParts,
  loadChunkData,
  loadRoots,
  maxNodeNo,
  type NodeRow,
  toNodeRow,
  upsertNodes,
} from "./node-store.js";
import { sliceColumns } from "./point-columns.js";
import { addToTotals, emptyTotals, totalsToRow } from "./series-rows.js";
import { summarizeColumns } from "./summary.js";
import { regroup } from "./tree-maintenance.js";
import { byFirstPoint, type NodeNumbers } from "./tree-shape.js";

/**
 * Deletes the points of one series with step > `step`: chunks after it go, the chunk
 * straddling it is cut and becomes the tail, every rollup on the right spine (those ending
 * at or after the new tail's first step) is dropped and its surviving children regrouped,
 * and the series row is recomputed from the roots. A series left empty is deleted.
 */
const nodeColumns = ["series_id", "node_no", "level", "parent_no", "children", "parts", "is_tail", "summary"] as const;

/** Node numbers of one series' nodes matching `where` (a fixed condition on one step). */
async function nodeNos(db: MetricDb, seriesId: number, where: string, step: number): Promise<number[]> {
  const text = `select node_no from metric_nodes where series_id = ? and ${where}`;
  const rows = await query<{ node_no: number | string }>(db, text, [seriesId, step]);
  return rows.map((r) => Number(r.node_no));
}

export async function deleteSeries(db: MetricDb, seriesIds: number[]): Promise<void> {
  for (const part of chunked(seriesIds, 500)) {
    await db.kysely.deleteFrom("metric_chunk_parts").where("series_id", "in", part).execute();
    await db.kysely.deleteFrom("metric_nodes").where("series_id", "in", part).execute();
    await db.kysely.deleteFrom("metric_series").where("id", "in", part).execute();
  }
}

export async function truncateSeries(db: MetricDb, seriesId: number, step: number): Promise<void> {
  const gone = await nodeNos(db, seriesId, "level = 0 and first_step > ?", step);
  await deletePartsOf(db, seriesId, gone);
  await deleteNodes(db, seriesId, gone);

  const straddling = await db.kysely
    .selectFrom("metric_nodes")
    .select(nodeColumns)
    .where("series_id", "=", seriesId)
    .where("level", "=", 0)
    .where("first_step", "<=", step)
    .where("last_step", ">", step)
    .execute();
  for (const chunk of straddling.map(toNodeRow)) {
    const cols = (await loadChunkData(db, seriesId, [chunk.nodeNo])).get(chunk.nodeNo);
    if (!cols) continue;
    let keep = cols.length;
    while (keep > 0 && (cols.steps[keep - 1] as number) > step) keep--;
    const kept = sliceColumns(cols, 0, keep);
    chunk.summary = summarizeColumns(kept);
    chunk.parts = 1;
    await deletePartsOf(db, seriesId, [chunk.nodeNo]);
    await upsertNodes(db, [chunk]);
    await insertParts(db, [{ seriesId, nodeNo: chunk.nodeNo, part: 0, points: kept }]);
  }

  const lastStart = await db.kysely
    .selectFrom("metric_nodes")
    .select("first_step")
    .where("series_id", "=", seriesId)
    .where("level", "=", 0)
    .orderBy("first_step", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!lastStart) {
    await removeSeriesKeys(db.kysely, [seriesId]);
    await deleteSeries(db, [seriesId]);
    return;
  }
  const tailStep = Number(lastStart.first_step);
  const candidates = await db.kysely
    .selectFrom("metric_nodes")
    .select(nodeColumns)
    .where("series_id", "=", seriesId)
    .where("level", "=", 0)
    .where("first_step", "=", tailStep)
    .execute();
  const tail = candidates.map(toNodeRow).sort(byFirstPoint).pop() as NodeRow;

  const spine = await nodeNos(db, seriesId, "level > 0 and last_step >= ?", tailStep);
  await deleteNodes(db, seriesId, spine);
  for (const part of chunked(spine, 500)) {
    await db.kysely
      .updateTable("metric_nodes")
      .set({ parent_no: null })
      .where("series_id", "=", seriesId)
      .where("parent_no", "in", part)
      .execute();
  }
  await db.kysely
    .updateTable("metric_nodes")
    .set({ is_tail: 0 })
    .where("series_id", "=", seriesId)
    .where("is_tail", "=", 1)
    .execute();
  await db.kysely
    .updateTable("metric_nodes")
    .set({ is_tail: 1 })
    .where("series_id", "=", seriesId)
    .where("node_no", "=", tail.nodeNo)
    .execute();

  const numbers: NodeNumbers = { seriesId, next: (await maxNodeNo(db, seriesId)) + 1 };
  await regroup(db, numbers);
  let totals = emptyTotals;
  for (const root of (await loadRoots(db, seriesId)).sort(byFirstPoint)) totals = addToTotals(totals, root.summary);
  await db.kysely.updateTable("metric_series").set(totalsToRow(totals)).where("id", "=", seriesId).execute();
}
