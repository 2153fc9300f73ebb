/**
 * Tables of the metric store (DESIGN.md §5), created by migration 0002-metric-chunks.
 *
 * Each series (a `metric_series` row) is a tree of nodes. Level 0 nodes are chunks: up to
 * 1,024 points whose packed columns live in `metric_chunk_parts`. Level L ≥ 1 nodes are
 * rollups summarising 2–4 consecutive nodes of level L − 1 (tree-shape.ts). Nodes of one
 * level are ordered by their points' (step, time, value) and never overlap. Every node
 * carries its summary as a packed Float64 blob, so NaN, ±Infinity and −0 survive both
 * dialects bit for bit.
 */
export interface MetricNodesTable {
  /** `metric_series.id` (bigint: PostgreSQL returns it as a string unless parsed). */
  series_id: number | string;
  /** Number of the node within its series. */
  node_no: number;
  /** 0 for chunks, L for rollups. */
  level: number;
  /** The rollup containing this node; null for the roots of the series' forest. */
  parent_no: number | null;
  first_step: number;
  last_step: number;
  /** Rollups: the number of children. Chunks: 0. */
  children: number;
  /** Chunks: the number of rows in `metric_chunk_parts`. Rollups: 0. */
  parts: number;
  /** 1 for the last chunk of the series (the open tail where in-order points go); else 0. */
  is_tail: number;
  /** 12 little-endian float64 values, see summary.ts. */
  summary: Uint8Array;
}

/**
 * Point data of chunks. A chunk's points are the concatenation of its parts in part order;
 * each part holds packed columns (steps, values, times) in the format of chunk-codec.ts
 * (float64 values, exact steps and times). In-order appends add a part to the tail chunk
 * instead of rewriting it.
 */
export interface MetricChunkPartsTable {
  series_id: number | string;
  node_no: number;
  part: number;
  /** Summaries of runs of 128 points of this part (summary.ts), finer read units than chunks. */
  segments: Uint8Array;
  data: Uint8Array;
}

export interface MetricTables {
  metric_nodes: MetricNodesTable;
  metric_chunk_parts: MetricChunkPartsTable;
}
