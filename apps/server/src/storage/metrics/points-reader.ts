import type { PointsPageRecord, PointsRequest, StoredPoint } from "../../ports/store.js";
import { type MetricDb, query } from "./metric-db.js";
import { loadChunkData, NODE_COLUMNS, type NodeRow, type RawNode, toNodeRow } from "./node-store.js";
import { byFirstPoint, CHUNK_CAPACITY } from "./tree-shape.js";

/**
 * `MetricRepo.readPoints`: exact points in (step, time, value) order, a page at a time.
 * The cursor is the last point's step and time plus `seq`, its position among the points
 * sharing that step and time, so pages continue correctly through repeated steps.
 */
// SQL text, not the query builder: building these cost more than SQLite takes to run them.
const SCAN_START_SQL =
  "select first_step from metric_nodes where series_id = ? and level = 0 and first_step < ?" +
  " order by first_step desc limit 1";
const chunksSql = (inclusive: boolean) =>
  `select ${NODE_COLUMNS} from metric_nodes where series_id = ? and level = 0 and first_step ${inclusive ? ">=" : ">"} ?` +
  " and first_step <= ? and last_step >= ? order by first_step limit ?";
const CHUNKS_FROM_SQL = chunksSql(true);
const CHUNKS_AFTER_SQL = chunksSql(false);
const CHUNKS_AT_SQL = `select ${NODE_COLUMNS} from metric_nodes where series_id = ? and level = 0 and first_step = ?`;

/** The largest chunk start strictly before `step`: chunks starting earlier end before it. */
async function scanStart(db: MetricDb, seriesId: number, step: number): Promise<number> {
  if (step === Number.NEGATIVE_INFINITY) return -Number.MAX_VALUE;
  const [row] = await query<{ first_step: number | string }>(db, SCAN_START_SQL, [seriesId, step]);
  return row ? Number(row.first_step) : -Number.MAX_VALUE;
}

/**
 * Chunks with first step in [lower, end] that may hold steps ≥ from, in order, at most about
 * `want` of them. When the limit cuts a run of chunks sharing a first step, that run is left
 * for the next call (or read whole when it is all there is), so no chunk is skipped.
 * `complete` says the query found fewer than `want` chunks: there are no more after these.
 */
async function nextChunks(
  db: MetricDb,
  seriesId: number,
  lower: { step: number; inclusive: boolean },
  from: number,
  end: number,
  want: number,
): Promise<{ chunks: NodeRow[]; complete: boolean }> {
  const text = lower.inclusive ? CHUNKS_FROM_SQL : CHUNKS_AFTER_SQL;
  const rows = await query<RawNode>(db, text, [seriesId, lower.step, end, from, want]);
  let chunks = rows.map(toNodeRow);
  if (rows.length === want) {
    const lastStep = (chunks[chunks.length - 1] as NodeRow).summary.first.step;
    const kept = chunks.filter((c) => c.summary.first.step < lastStep);
    if (kept.length > 0) chunks = kept;
    else chunks = (await query<RawNode>(db, CHUNKS_AT_SQL, [seriesId, lastStep])).map(toNodeRow);
  }
  return { chunks: chunks.sort(byFirstPoint), complete: rows.length < want };
}

export async function readSeriesPoints(
  db: MetricDb,
  seriesId: number,
  request: PointsRequest,
): Promise<PointsPageRecord> {
  const limit = Math.max(1, Math.floor(request.limit));
  const start = request.startStep ?? Number.NEGATIVE_INFINITY;
  const end = request.endStep ?? Number.POSITIVE_INFINITY;
  const after = request.after;
  const from = after ? Math.max(start, after.step) : start;
  const points: StoredPoint[] = [];
  if (from > end) return { points, next: null };

  let lower = { step: await scanStart(db, seriesId, from), inclusive: true };
  let groupStep = Number.NaN;
  let groupTime = Number.NaN;
  let seq = -1;
  let lastSeq = -1;
  const want = Math.ceil((limit + 1) / (CHUNK_CAPACITY / 2)) + 2;
  for (;;) {
    const { chunks, complete } = await nextChunks(db, seriesId, lower, from, end, want);
    if (chunks.length === 0) break;
    const data = await loadChunkData(
      db,
      seriesId,
      chunks.map((c) => c.nodeNo),
    );
    for (const chunk of chunks) {
      const cols = data.get(chunk.nodeNo);
      if (!cols) continue;
      for (let i = 0; i < cols.length; i++) {
        const step = cols.steps[i] as number;
        if (step < from) continue;
        if (step > end) return { points, next: null };
        const time = cols.times[i] as number;
        if (step === groupStep && time === groupTime) seq++;
        else {
          groupStep = step;
          groupTime = time;
          seq = 0;
        }
        if (
          after &&
          (step < after.step ||
            (step === after.step && (time < after.time || (time === after.time && seq <= after.seq))))
        )
          continue;
        if (points.length === limit) {
          const last = points[points.length - 1] as StoredPoint;
          return { points, next: { step: last.step, time: last.time, seq: lastSeq } };
        }
        points.push({ step, value: cols.values[i] as number, time });
        lastSeq = seq;
      }
    }
    if (complete) break;
    const lastChunk = chunks[chunks.length - 1] as NodeRow;
    lower = { step: lastChunk.summary.first.step, inclusive: false };
  }
  return { points, next: null };
}
