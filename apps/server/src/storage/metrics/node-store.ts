import { decodeParts } from "./chunk-codec.js";
import type { PointColumns } from "./point-columns.js";
import { chunked, execute, type MetricDb, placeholders, query } from "./metric-db.js";
import { decodeSummary, encodeSummary, type Summary } from "./summary.js";

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

export interface PartRow {
  seriesId: number;
  nodeNo: number;
  part: number;
  data: Uint8Array;
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

/** Nodes of one level whose steps lie within [fromStep, toStep]. */
export function loadLevelRange(db: MetricDb, seriesId: number, level: number, fromStep: number, toStep: number) {
  const where = "series_id = ? and level = ? and first_step >= ? and first_step <= ? and last_step <= ?";
  return selectNodes(db, where, [seriesId, level, fromStep, toStep, toStep]);
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
  const out = new Map<number, PointColumns>();
  for (const [no, parts] of byNode) out.set(no, decodeParts(parts));
  return out;
}

export async function insertParts(db: MetricDb, parts: PartRow[]): Promise<void> {
  let batch: unknown[] = [];
  let rows = 0;
  let bytes = 0;
  const flush = async () => {
    if (rows === 0) return;
    const text = `insert into metric_chunk_parts (series_id, node_no, part, data) values ${placeholders(rows, 4)}`;
    await execute(db, text, batch);
    batch = [];
    rows = 0;
    bytes = 0;
  };
  for (const p of parts) {
    batch.push(p.seriesId, p.nodeNo, p.part, p.data);
    rows++;
    bytes += p.data.byteLength;
    if (rows >= ROWS_PER_STATEMENT || bytes >= PART_BYTES_PER_STATEMENT) await flush();
  }
  await flush();
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
