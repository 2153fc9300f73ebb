import { decodeParts, decodePartsInto, encodeColumns, partLength } from "./chunk-codec.js";
import { toFloat64 } from "./float64-bytes.js";
import { chunked, execute, type MetricDb, placeholders, query } from "./metric-db.js";
import { allocColumns, type PointColumns, sliceColumns } from "./point-columns.js";
import { decodeSummary, encodeSegments, encodeSummary, type Summary } from "./summary.js";

/** SQL access to `metric_nodes` and `metric_chunk_parts`; no tree logic lives here. */
export interface NodeRow {
  seriesId: number;
  nodeNo: number;
  level: number;
  parentNo: number | null;
  children: number;
  parts: number;
  isTail: boolean;
  summary: Summary;
}

/** A part to write: its points are stored packed, with their segment summaries. */
export interface PartRow {
  seriesId: number;
  nodeNo: number;
  part: number;
  points: PointColumns;
}

/** Rows per statement: stays far below SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 1000;
const PART_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

export const NODE_COLUMNS = "series_id, node_no, level, parent_no, children, parts, is_tail, summary";

export interface RawNode {
  series_id: number | string;
  node_no: number | string;
  level: number | string;
  parent_no: number | string | null;
  children: number | string;
  parts: number | string;
  is_tail: number | string;
  summary: Uint8Array;
}

export function toNodeRow(r: RawNode): NodeRow {
  return {
    seriesId: Number(r.series_id),
    nodeNo: Number(r.node_no),
    level: Number(r.level),
    parentNo: r.parent_no === null ? null : Number(r.parent_no),
    children: Number(r.children),
    parts: Number(r.parts),
    isTail: Number(r.is_tail) === 1,
    summary: decodeSummary(r.summary),
  };
}

async function selectNodes(db: MetricDb, where: string, params: unknown[]): Promise<NodeRow[]> {
  const rows = await query<RawNode>(db, `select ${NODE_COLUMNS} from metric_nodes where ${where}`, params);
  return rows.map(toNodeRow);
}

async function selectNodesIn(db: MetricDb, seriesId: number, column: string, values: number[]): Promise<NodeRow[]> {
  const out: NodeRow[] = [];
  for (const part of chunked(values, ROWS_PER_STATEMENT)) {
    const where = `series_id = ? and ${column} in (${placeholders(part.length)})`;
    out.push(...(await selectNodes(db, where, [seriesId, ...part])));
  }
  return out;
}

export function loadNodes(db: MetricDb, seriesId: number, nodeNos: number[]): Promise<NodeRow[]> {
  return selectNodesIn(db, seriesId, "node_no", nodeNos);
}

export function loadChildren(db: MetricDb, seriesId: number, parentNos: number[]): Promise<NodeRow[]> {
  return selectNodesIn(db, seriesId, "parent_no", parentNos);
}

/** The roots of the series' forest: unparented nodes, the tail chunk among them. */
export function loadRoots(db: MetricDb, seriesId: number): Promise<NodeRow[]> {
  return selectNodes(db, "series_id = ? and parent_no is null", [seriesId]);
}

/** Chunks with a first step in [fromStep, toStep]. */
export function loadChunksStartingIn(db: MetricDb, seriesId: number, fromStep: number, toStep: number) {
  return selectNodes(db, "series_id = ? and level = 0 and first_step >= ? and first_step <= ?", [
    seriesId,
    fromStep,
    toStep,
  ]);
}

/** What a read needs of a node. */
export type NodeSummary = Pick<NodeRow, "nodeNo" | "level" | "summary">;

/**
 * Nodes of one level whose steps lie within [fromStep, toStep], read from the covering
 * index alone (the columns selected are all in it).
 */
export async function loadLevelSummaries(
  db: MetricDb,
  seriesId: number,
  level: number,
  fromStep: number,
  toStep: number,
): Promise<NodeSummary[]> {
  const text =
    "select node_no, summary from metric_nodes" +
    " where series_id = ? and level = ? and first_step >= ? and first_step <= ? and last_step <= ?";
  const rows = await query<{ node_no: number | string; summary: Uint8Array }>(db, text, [
    seriesId,
    level,
    fromStep,
    toStep,
    toStep,
  ]);
  return rows.map((r) => ({ nodeNo: Number(r.node_no), level, summary: decodeSummary(r.summary) }));
}

const UPSERT_TAIL =
  " on conflict (series_id, node_no) do update set level = excluded.level, parent_no = excluded.parent_no," +
  " first_step = excluded.first_step, last_step = excluded.last_step, children = excluded.children," +
  " parts = excluded.parts, is_tail = excluded.is_tail, summary = excluded.summary";

/** Inserts new nodes and rewrites changed ones, in as few statements as the limits allow. */
export async function upsertNodes(db: MetricDb, nodes: NodeRow[]): Promise<void> {
  for (const part of chunked(nodes, ROWS_PER_STATEMENT)) {
    const params: unknown[] = [];
    for (const n of part) {
      params.push(
        n.seriesId,
        n.nodeNo,
        n.level,
        n.parentNo,
        n.summary.first.step,
        n.summary.last.step,
        n.children,
        n.parts,
        n.isTail ? 1 : 0,
        encodeSummary(n.summary),
      );
    }
    const text =
      "insert into metric_nodes (series_id, node_no, level, parent_no, first_step, last_step, children, parts," +
      ` is_tail, summary) values ${placeholders(part.length, 10)}${UPSERT_TAIL}`;
    await execute(db, text, params);
  }
}

export async function deleteNodes(db: MetricDb, seriesId: number, nodeNos: number[]): Promise<void> {
  for (const part of chunked(nodeNos, ROWS_PER_STATEMENT)) {
    const text = `delete from metric_nodes where series_id = ? and node_no in (${placeholders(part.length)})`;
    await execute(db, text, [seriesId, ...part]);
  }
}

/** Decoded points of chunks, by node number. */
export async function loadChunkData(
  db: MetricDb,
  seriesId: number,
  nodeNos: number[],
): Promise<Map<number, PointColumns>> {
  const byNode = new Map<number, Uint8Array[]>();
  for (const part of chunked(nodeNos, ROWS_PER_STATEMENT)) {
    const text =
      "select node_no, data from metric_chunk_parts" +
      ` where series_id = ? and node_no in (${placeholders(part.length)}) order by node_no, part`;
    const rows = await query<{ node_no: number | string; data: Uint8Array }>(db, text, [seriesId, ...part]);
    for (const r of rows) {
      const no = Number(r.node_no);
      const list = byNode.get(no);
      if (list) list.push(r.data);
      else byNode.set(no, [r.data]);
    }
  }
  // One allocation for every chunk: each gets a view of its range.
  let total = 0;
  for (const parts of byNode.values()) for (const part of parts) total += partLength(part);
  const all = allocColumns(total);
  const out = new Map<number, PointColumns>();
  let at = 0;
  for (const [no, parts] of byNode) {
    const end = decodePartsInto(parts, all, at);
    out.set(no, sliceColumns(all, at, end));
    at = end;
  }
  return out;
}

export interface ChunkRef {
  seriesId: number;
  nodeNo: number;
}

export const chunkKey = (seriesId: number, nodeNo: number) => `${seriesId}:${nodeNo}`;

function refsWhere(refs: ChunkRef[]): { where: string; params: number[] } {
  const params: number[] = [];
  for (const r of refs) params.push(r.seriesId, r.nodeNo);
  return { where: refs.map(() => "(series_id = ? and node_no = ?)").join(" or "), params };
}

/** Decoded points of chunks of several series, by `chunkKey`. */
export async function loadChunkDataOf(db: MetricDb, refs: ChunkRef[]): Promise<Map<string, PointColumns>> {
  const byChunk = new Map<string, Uint8Array[]>();
  for (const part of chunked(refs, 200)) {
    const { where, params } = refsWhere(part);
    const text = `select series_id, node_no, data from metric_chunk_parts where ${where} order by series_id, node_no, part`;
    const rows = await query<{ series_id: number | string; node_no: number | string; data: Uint8Array }>(
      db,
      text,
      params,
    );
    for (const r of rows) {
      const key = chunkKey(Number(r.series_id), Number(r.node_no));
      const list = byChunk.get(key);
      if (list) list.push(r.data);
      else byChunk.set(key, [r.data]);
    }
  }
  const out = new Map<string, PointColumns>();
  for (const [key, parts] of byChunk) out.set(key, decodeParts(parts));
  return out;
}

export async function deletePartsOfMany(db: MetricDb, refs: ChunkRef[]): Promise<void> {
  for (const part of chunked(refs, 200)) {
    const { where, params } = refsWhere(part);
    await execute(db, `delete from metric_chunk_parts where ${where}`, params);
  }
}

export async function insertParts(db: MetricDb, parts: PartRow[]): Promise<void> {
  let batch: unknown[] = [];
  let rows = 0;
  let bytes = 0;
  const flush = async () => {
    if (rows === 0) return;
    const text = `insert into metric_chunk_parts (series_id, node_no, part, segments, data) values ${placeholders(rows, 5)}`;
    await execute(db, text, batch);
    batch = [];
    rows = 0;
    bytes = 0;
  };
  for (const p of parts) {
    const data = encodeColumns(p.points);
    batch.push(p.seriesId, p.nodeNo, p.part, encodeSegments(p.points), data);
    rows++;
    bytes += data.byteLength;
    if (rows >= ROWS_PER_STATEMENT || bytes >= PART_BYTES_PER_STATEMENT) await flush();
  }
  await flush();
}

/**
 * The segment summaries of the chunks with steps within [fromStep, toStep], packed (one
 * array per part, in part order), by node number: one short statement however many chunks.
 */
export async function loadSegmentsInRange(
  db: MetricDb,
  seriesId: number,
  fromStep: number,
  toStep: number,
): Promise<Map<number, Float64Array[]>> {
  // CROSS JOIN keeps SQLite on the range of nodes (PostgreSQL plans it as an inner join).
  const text =
    "select p.node_no, p.part, p.segments from metric_nodes n cross join metric_chunk_parts p" +
    " where p.series_id = n.series_id and p.node_no = n.node_no and n.series_id = ? and n.level = 0" +
    " and n.first_step >= ? and n.first_step <= ? and n.last_step <= ?";
  type Row = { node_no: number | string; part: number | string; segments: Uint8Array };
  const rows = await query<Row>(db, text, [seriesId, fromStep, toStep, toStep]);
  rows.sort((a, b) => Number(a.node_no) - Number(b.node_no) || Number(a.part) - Number(b.part));
  const out = new Map<number, Float64Array[]>();
  for (const r of rows) {
    const no = Number(r.node_no);
    const list = out.get(no);
    if (list) list.push(toFloat64(r.segments));
    else out.set(no, [toFloat64(r.segments)]);
  }
  return out;
}

export async function deletePartsOf(db: MetricDb, seriesId: number, nodeNos: number[]): Promise<void> {
  for (const part of chunked(nodeNos, ROWS_PER_STATEMENT)) {
    const text = `delete from metric_chunk_parts where series_id = ? and node_no in (${placeholders(part.length)})`;
    await execute(db, text, [seriesId, ...part]);
  }
}

/** The highest node number in use (node numbers are allocated upwards from it). */
export async function maxNodeNo(db: MetricDb, seriesId: number): Promise<number> {
  const text = "select node_no from metric_nodes where series_id = ? order by node_no desc limit 1";
  const [row] = await query<{ node_no: number | string }>(db, text, [seriesId]);
  return row ? Number(row.node_no) : 0;
}
