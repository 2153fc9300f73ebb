/** Tables of migration 0007-run-logs. Times are epoch milliseconds. */
export interface RunLogLinesTable {
  run_id: string;
  seq: number;
  stream: string;
  text: string;
  time: number;
}

export interface RunLogHeadsTable {
  run_id: string;
  last_seq: number;
}

export interface RunLogBatchesTable {
  run_id: string;
  batch_id: string;
  created_at: number;
}

export interface LogTables {
  run_log_lines: RunLogLinesTable;
  run_log_heads: RunLogHeadsTable;
  run_log_batches: RunLogBatchesTable;
}
