/**
 * Where records go when they cannot stay in memory (the server is unreachable, or the memory
 * cap is reached) and where they wait across process restarts. The browser build has none;
 * Node wires a folder-backed one (`createFileSpool`).
 *
 * A record is one idempotent request of one run, kept as its exact JSON body: a metrics batch
 * (its `batchId` makes a resend a no-op), a batch of console lines (same), the run's creation
 * (client-chosen id) or an update.
 */
export type SpoolRoute = "createRun" | "updateRun" | "logMetrics" | "appendLogs";

export interface SpoolRecordName {
  /** Opaque, sortable: records replay in name order. */
  name: string;
  route: SpoolRoute;
}

export interface RunSpool {
  readonly runId: string;
  /** Records present, oldest first. */
  list(): Promise<SpoolRecordName[]>;
  /** Stores a record atomically (temporary file + rename) and returns its name. */
  write(name: string, body: string): Promise<void>;
  /** Synchronous form of `write`, for process exit. */
  writeSync(name: string, body: string): void;
  /** The record's body, or undefined when it is gone (another process delivered it). */
  read(name: string): Promise<string | undefined>;
  /** Deletes a delivered record. */
  remove(name: string): Promise<void>;
  /** Moves a record the server refused for good aside, kept for inspection. */
  reject(name: string, reason: string): Promise<void>;
  /** Releases the claim taken by `Spool.open`. */
  close(): void;
}

export interface Spool {
  /** Human-readable location (for messages and docs). */
  readonly location: string;
  /** Opens (and claims, within this process) one run's records. */
  open(runId: string): RunSpool;
  /** Run ids with records that no live run of this process has claimed. */
  listRuns(): Promise<string[]>;
}

/** Builds a record name: `<time>-<session>-<seq>.<route>.json`, sortable as text. */
export function spoolRecordName(time: number, session: string, seq: number, route: SpoolRoute): string {
  return `${String(Math.floor(time)).padStart(15, "0")}-${session}-${String(seq).padStart(9, "0")}.${route}.json`;
}

/** `…-<seq>` may carry `a`/`b` suffixes: the halves of a batch split after a 413. */
const NAME_PATTERN = /^\d{15}-[0-9a-z]+-\d{9}[ab]*\.(createRun|updateRun|logMetrics|appendLogs)\.json$/;

export function parseSpoolRecordName(name: string): SpoolRecordName | undefined {
  const match = NAME_PATTERN.exec(name);
  return match === null ? undefined : { name, route: match[1] as SpoolRoute };
}
