import type { Run as RunRecord, RunStatus } from "@looplab/core";
import type { ArtifactIo } from "./artifact-io.js";
import type { BinaryTransfer } from "./binary-transfer.js";
import type { LooplabClient } from "./client.js";
import type { ArtifactSummary } from "./run-artifacts.js";
import type { RunLogStats } from "./run-logs.js";
import type { RunSettings } from "./run-settings.js";
import type { OnSdkEvent } from "./sdk-events.js";
import type { RunSpool } from "./spool.js";

/** The options, results and dependencies of a `Run` (run.ts re-exports them). */

export interface LogOptions {
  /** Defaults to the previous step + 1 (0 for the first call). */
  step?: number;
  /** Wall time, epoch ms; defaults to now. */
  time?: number;
}

export type TagsInput = readonly string[] | Readonly<Record<string, string>>;

export interface FinishOptions {
  /** Default "finished". */
  status?: Extract<RunStatus, "finished" | "failed" | "killed">;
  /** Default: the `finishTimeoutMs` setting. What is left then stays in the spool. */
  timeoutMs?: number;
}

export interface FinishResult {
  /** The run's final status: the one asked for, or the server's when it was killed or pruned there. */
  status: RunStatus;
  /** True when the server acknowledged every point and the final status, and refused nothing. */
  delivered: boolean;
  /** Records still waiting (in the spool where there is one). */
  pendingRecords: number;
  spooledRecords: number;
  droppedPoints: number;
  /** Artifact uploads and lineage records `finish` waited for; a failure makes `delivered` false. */
  artifacts: ArtifactSummary;
}

export interface RunStats {
  /** Points accepted by `log`. */
  loggedPoints: number;
  /** Points acknowledged by the server. */
  ackedPoints: number;
  /** Points held in memory: buffered, queued or in flight. */
  pendingPoints: number;
  /** Highest `pendingPoints` seen. */
  peakPendingPoints: number;
  /** Points lost to the memory cap without a spool, or refused by the server without a spool. */
  droppedPoints: number;
  /** Values skipped because their key or value was not a metric. */
  invalidValues: number;
  pendingRecords: number;
  spooledRecords: number;
  inFlightRecords: number;
  offline: boolean;
  /** Console log lines (writeLog and console capture): sent, waiting, dropped. */
  logLines: RunLogStats;
}

export interface RunDeps {
  client: LooplabClient;
  spool: RunSpool | undefined;
  settings: RunSettings;
  report: OnSdkEvent;
  now(): number;
  random(): number;
  /** Random per process session: part of batch ids and spool record names. */
  session: string;
  /** Called once the run has finished and its outbox is empty. */
  onSettled?(): void;
  /** Raw transfers (artifacts); file access where there is a local disk (Node). */
  transfer?: BinaryTransfer;
  artifactIo?: ArtifactIo | undefined;
}

export interface RunInfo {
  id: string;
  project: string;
  /** The server's record at `init`; null when the run was started offline. */
  record: RunRecord | null;
}
