import { MAX_POINTS_PER_BATCH } from "@looplab/core";
import { defaultRetryPolicy, type RetryPolicy } from "./retry-policy.js";

/** Tuning of the run logger; every field has a default (see docs/sdk.md). */
export interface RunSettings {
  /** Buffered points that trigger a send at once when a request slot is free (default 1 000). */
  batchSize: number;
  /** Longest a point waits in the buffer while a request slot is free, ms (default 100). */
  flushIntervalMs: number;
  /** Most points in one request (default and most: 10 000, the server's limit). */
  maxBatchPoints: number;
  /** A batch stops growing once its JSON passes this many characters (default 4 000 000). */
  maxBatchBytes: number;
  /**
   * Most points held in memory (buffered, queued or in flight; default 1 000 000). Beyond it,
   * records go to the spool synchronously; with no spool (browser), new points are dropped
   * and reported.
   */
  maxPendingPoints: number;
  /** Concurrent metric requests per run (default 2). */
  maxInFlight: number;
  /** Heartbeat period while running, ms (default 15 000; 0 disables). */
  heartbeatIntervalMs: number;
  /** How long `finish` waits for delivery before leaving the rest to the spool, ms (default 30 000). */
  finishTimeoutMs: number;
  retry: RetryPolicy;
}

export const defaultRunSettings: RunSettings = {
  batchSize: 1000,
  flushIntervalMs: 100,
  maxBatchPoints: 10_000,
  maxBatchBytes: 4_000_000,
  maxPendingPoints: 1_000_000,
  maxInFlight: 2,
  heartbeatIntervalMs: 15_000,
  finishTimeoutMs: 30_000,
  retry: defaultRetryPolicy,
};

/** Fills defaults and keeps values within what the server and the memory cap can honour. */
export function resolveRunSettings(partial: Partial<RunSettings>): RunSettings {
  const s: RunSettings = { ...defaultRunSettings };
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (s as unknown as Record<string, unknown>)[key] = value;
  }
  s.maxBatchPoints = clamp(Math.floor(s.maxBatchPoints), 1, MAX_POINTS_PER_BATCH);
  s.batchSize = clamp(Math.floor(s.batchSize), 1, s.maxBatchPoints);
  s.maxInFlight = clamp(Math.floor(s.maxInFlight), 1, 16);
  // The cap must leave room for the batches in flight plus one being built.
  s.maxPendingPoints = Math.max(Math.floor(s.maxPendingPoints), s.maxBatchPoints * (s.maxInFlight + 1));
  s.flushIntervalMs = Math.max(1, s.flushIntervalMs);
  return s;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
