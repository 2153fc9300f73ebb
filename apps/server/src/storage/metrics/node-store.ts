import type { Kysely, Transaction } from "kysely";
import type { Database } from "../database.js";
import { decodeParts, type PointColumns } from "./chunk-codec.js";
import { decodeSummary, encodeSummary, type Summary } from "./summary.js";

/** SQL access to `metric_nodes` and `metric_chunk_parts`; no tree logic lives here. */
export type MetricDb = Kysely<Database> | Transaction<Database>;

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

export function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const nodeColumns = [
  "series_id",
  "node_no",
  "level",
  "parent_no",
  "children",
  "parts",
  "is_tail",
  "summary",
] as const;

interface RawNode {
  series_id: number | string;
  node_no: number;
  level: number;
  parent_no: number | null;
  children: number;
  parts: number;
  is_tail: number;
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

export async function loadNodes(db: MetricDb, seriesId: number, nodeNos: number[]): Promise<NodeRow[]> {
  const out: NodeRow[] = [];
  for (const part of chunked(nodeNos, ROWS_PER_STATEMENT)) {
    const rows = await db
      .selectFrom("metric_nodes")
      .select(nodeColumns)
      .where("series_id", "=", seriesId)
      .where("node_no", "in", part)
      .execute();
    for (const r of rows) out.push(toNodeRow(r));
  }
  return out;
}

export async function loadChildren(db: MetricDb, seriesId: number, parentNos: number[]): Promise<NodeRow[]> {
  const out: NodeRow[] = [];
  for (const part of chunked(parentNos, ROWS_PER_STATEMENT)) {
    const rows = await db
      .selectFrom("metric_nodes")
      .select(nodeColumns)
      .where("series_id", "=", seriesId)
      .where("parent_no", "in", part)
      .execute();
    for (const r of rows) out.push(toNodeRow(r));
  }
  return out;
}

/** The roots of the series' forest: unparented nodes, the tail chunk among them. */
export async function loadRoots(db: MetricDb, seriesId: number): Promise<NodeRow[]> {
  const rows = await db
    .selectFrom("metric_nodes")
    .select(nodeColumns)
    .where("series_id", "=", seriesId)
    .where("parent_no", "is", null)
    .execute();
  return rows.map(toNodeRow);
}

/** Nodes of one level whose steps lie within [fromStep, toStep]. */
export async function loadLevelRange(
  db: MetricDb,
  seriesId: number,
  level: number,
  fromStep: number,
  toStep: number,
): Promise<NodeRow[]> {
  const rows = await db
    .selectFrom("metric_nodes")
    .select(nodeColumns)
    .where("series_id", "=", seriesId)
    .where("level", "=", level)
    .where("first_step", ">=", fromStep)
    .where("first_step", "<=", toStep)
    .where("last_step", "<=", toStep)
    .execute();
  return rows.map(toNodeRow);
}

/** Inserts new nodes and rewrites changed ones, in as few statements as the limits allow. */
export async function upsertNodes(db: MetricDb, nodes: NodeRow[]): Promise<void> {
  for (const part of chunked(nodes, ROWS_PER_STATEMENT)) {
    await db
      .insertInto("metric_nodes")
      .values(
        part.map((n) => ({
          series_id: n.seriesId,
          node_no: n.nodeNo,
          level: n.level,
          parent_no: n.parentNo,
          first_step: n.summary.first.step,
          last_step: n.summary.last.step,
          children: n.children,
          parts: n.parts,
          is_tail: n.isTail ? 1 : 0,
          summary: encodeSummary(n.summary),
        })),
      )
      .onConflict((oc) =>
        oc.columns(["series_id", "node_no"]).doUpdateSet((eb) => ({
          level: eb.ref("excluded.level"),
          parent_no: eb.ref("excluded.parent_no"),
          first_step: eb.ref("excluded.first_step"),
          last_step: eb.ref("excluded.last_step"),
          children: eb.ref("excluded.children"),
          parts: eb.ref("excluded.parts"),
          is_tail: eb.ref("excluded.is_tail"),
          summary: eb.ref("excluded.summary"),
        })),
      )
      .execute();
  }
}

export async function deleteNodes(db: MetricDb, seriesId: number, nodeNos: number[]): Promise<void> {
  for (const part of chunked(nodeNos, ROWS_PER_STATEMENT)) {
    await db.deleteFrom("metric_nodes").where("series_id", "=", seriesId).where("node_no", "in", part).execute();
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
    const rows = await db
      .selectFrom("metric_chunk_parts")
      .select(["node_no", "part", "data"])
      .where("series_id", "=", seriesId)
      .where("node_no", "in", part)
      .orderBy("node_no")
      .orderBy("part")
      .execute();
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
  let batch: PartRow[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await db
      .insertInto("metric_chunk_parts")
      .values(batch.map((p) => ({ series_id: p.seriesId, node_no: p.nodeNo, part: p.part, data: p.data })))
      .execute();
    batch = [];
    bytes = 0;
  };
  for (const p of parts) {
    batch.push(p);
    bytes += p.data.byteLength;
    if (batch.length >= ROWS_PER_STATEMENT || bytes >= PART_BYTES_PER_STATEMENT) await flush();
  }
  await flush();
}

export async function deletePartsOf(db: MetricDb, seriesId: number, nodeNos: number[]): Promise<void> {
  for (const part of chunked(nodeNos, ROWS_PER_STATEMENT)) {
    await db.deleteFrom("metric_chunk_parts").where("series_id", "=", seriesId).where("node_no", "in", part).execute();
  }
}

/** The highest node number in use (node numbers are allocated upwards from it). */
export async function maxNodeNo(db: MetricDb, seriesId: number): Promise<number> {
  const row = await db
    .selectFrom("metric_nodes")
    .select("node_no")
    .where("series_id", "=", seriesId)
    .orderBy("node_no", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.node_no) : 0;
}
