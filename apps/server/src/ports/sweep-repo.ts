/**
 * Sweeps and their trials (services/sweep-service.ts). The whole state of a sweep lives here, so
 * a controller restarted on the same database carries on where the last one stopped.
 */

export type SweepStateName = "running" | "finished" | "cancelled";

export interface SweepRecord {
  id: string;
  projectId: string;
  name: string;
  /** The validated sweep document (defaults filled in). */
  spec: Record<string, unknown>;
  state: SweepStateName;
  reason: string | null;
  createdAt: number;
  endedAt: number | null;
}

export interface SweepTrialRecord {
  sweepId: string;
  number: number;
  params: Record<string, unknown>;
  /** Null between the trial's reservation and the queueing of its job. */
  jobId: string | null;
  runId: string | null;
  /** Largest metric step early stopping has already judged (ASHA decides each rung once). */
  checkedStep: number | null;
  createdAt: number;
}

export interface SweepRepo {
  create(record: SweepRecord): Promise<void>;
  get(id: string): Promise<SweepRecord | null>;
  /** Newest first; `before` continues after the last (createdAt, id) of a page. */
  list(opts: {
    projectId?: string | undefined;
    before?: { createdAt: number; id: string } | undefined;
    limit: number;
  }): Promise<SweepRecord[]>;
  /** Ids of running sweeps, oldest first. */
  listRunning(limit: number): Promise<string[]>;
  /**
   * Takes the sweep for one controller tick: true when it is running and no other owner holds an
   * unexpired lease. Atomic, so two server processes never tick one sweep at once.
   */
  claim(id: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  release(id: string, owner: string): Promise<void>;
  /** Ends a running sweep; false when it had already ended. */
  end(id: string, state: Exclude<SweepStateName, "running">, reason: string | null, at: number): Promise<boolean>;
  /** Reserves a trial number; false when that number is taken. */
  insertTrial(record: SweepTrialRecord): Promise<boolean>;
  setTrialJob(sweepId: string, number: number, jobId: string, runId: string): Promise<void>;
  setCheckedStep(sweepId: string, number: number, step: number): Promise<void>;
  /** Trials in order of number; `after` continues past a number. */
  listTrials(sweepId: string, opts?: { after?: number; limit?: number }): Promise<SweepTrialRecord[]>;
  countTrials(sweepIds: string[]): Promise<Map<string, number>>;
}
