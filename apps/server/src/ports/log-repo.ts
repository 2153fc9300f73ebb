import type { LogStream } from "@looplab/core";

/** A run's console log behind the Store port (docs/logs.md). */

export interface LogLineInputRecord {
  stream: LogStream;
  text: string;
  time: number;
}

export interface LogLineRecord extends LogLineInputRecord {
  /** Per-run sequence number: 1, 2, 3… without gaps, in append order. */
  seq: number;
}

export interface LogReadRequest {
  /** Lines with seq greater than this, ascending (default 0). Not with `tail`. */
  after?: number | undefined;
  /** The last N lines (ascending) instead of paging forward. */
  tail?: number | undefined;
  stream?: LogStream | undefined;
  limit: number;
}

export interface LogRepo {
  /**
   * Appends lines in order with the run's next sequence numbers and returns the run's last
   * sequence number afterwards. Must run inside the caller's transaction.
   */
  append(runId: string, lines: LogLineInputRecord[]): Promise<{ stored: number; lastSeq: number }>;
  /** True if the batch id was already recorded for the run; otherwise records it and returns false. */
  claimBatch(runId: string, batchId: string, now: number): Promise<boolean>;
  /** The run's last sequence number (0 when it has no lines). */
  lastSeq(runId: string): Promise<number>;
  /** Lines in ascending seq order, at most `limit` (for a tail: at most min(tail, limit), the last ones). */
  read(runId: string, request: LogReadRequest): Promise<LogLineRecord[]>;
  /** Deletes every line, head and batch record of a run (hard delete). */
  purgeRun(runId: string): Promise<void>;
}
