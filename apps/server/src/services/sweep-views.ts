/**
 * What the API shows of a sweep: its trials joined with their runs (status, end time) and the
 * objective's best value from the runs' series summaries; progress counts and the best trial.
 */
import {
  encodeNullableFloat,
  type RunStatus,
  runStatuses,
  type Sweep,
  type SweepSpec,
  type sweepTrialSchema,
} from "@looplab/core";
import type { z } from "zod";
import type { SeriesSummaryRecord, StoreRepos } from "../ports/store.js";
import type { SweepRecord, SweepTrialRecord } from "../ports/sweep-repo.js";
import { bestTrial } from "./sweep-decisions.js";

export type SweepTrialView = z.infer<typeof sweepTrialSchema>;

/** A trial with what its run has reported. */
export interface TrialState {
  trial: SweepTrialRecord;
  /** Null while the trial is reserved and its run not yet queued. */
  status: RunStatus | null;
  /** Best finite objective value so far by the goal. */
  value: number | null;
  /** The objective's best value including NaN/±Infinity, as the API shows it. */
  shownValue: number | null;
  step: number | null;
  endedAt: number | null;
}

function objectiveOf(summaries: readonly SeriesSummaryRecord[] | undefined, key: string) {
  return summaries?.find((s) => s.key === key);
}

/** Joins trials with their runs' status and objective summary (two batched reads, and a job read per crashed run). */
export async function loadTrialStates(
  repos: Pick<StoreRepos, "runs" | "metrics" | "queue">,
  trials: readonly SweepTrialRecord[],
  objective: SweepSpec["objective"],
): Promise<TrialState[]> {
  const runIds = trials.flatMap((t) => (t.runId ? [t.runId] : []));
  const runs = new Map((await repos.runs.getMany(runIds)).map((r) => [r.id, r]));
  const series = await repos.metrics.listSeriesForRuns(runIds);
  // A crashed run whose job went back to the queue (its agent vanished) will resume: still pending.
  const resuming = new Set<string>();
  for (const trial of trials) {
    if (!trial.runId || !trial.jobId || runs.get(trial.runId)?.status !== "crashed") continue;
    const job = await repos.queue.getJob(trial.jobId);
    if (job && (job.state === "queued" || job.state === "leased" || job.state === "running")) resuming.add(trial.runId);
  }
  return trials.map((trial) => {
    const run = trial.runId ? runs.get(trial.runId) : undefined;
    const summary = trial.runId ? objectiveOf(series.get(trial.runId), objective.metric) : undefined;
    let shownValue: number | null = null;
    if (summary) {
      shownValue = objective.goal === "max" ? summary.max : summary.min;
      if (shownValue === null && summary.nanCount > 0) shownValue = Number.NaN;
    }
    return {
      trial,
      // A run purged from under the sweep counts as killed, so the sweep does not wait for it.
      status: run ? (resuming.has(run.id) ? "queued" : run.status) : trial.runId ? "killed" : null,
      value: shownValue !== null && Number.isFinite(shownValue) ? shownValue : null,
      shownValue,
      step: summary?.lastStep ?? null,
      endedAt: run?.endedAt ?? null,
    };
  });
}

export function trialView(state: TrialState): SweepTrialView | null {
  const { trial } = state;
  if (!trial.runId || !trial.jobId) return null;
  return {
    number: trial.number,
    runId: trial.runId,
    jobId: trial.jobId,
    params: trial.params,
    status: state.status ?? "queued",
    value: encodeNullableFloat(state.shownValue),
    step: state.step,
    createdAt: trial.createdAt,
    endedAt: state.endedAt,
  };
}

export function sweepView(record: SweepRecord, spec: SweepSpec, states: readonly TrialState[]): Sweep {
  const counts = Object.fromEntries(runStatuses.map((s) => [s, 0])) as Record<RunStatus, number>;
  for (const state of states) counts[state.status ?? "queued"] += 1;
  const best = bestTrial(states, spec.objective.goal);
  return {
    id: record.id,
    name: record.name,
    project: spec.project,
    spec,
    state: record.state,
    createdAt: record.createdAt,
    endedAt: record.endedAt,
    counts,
    trials: states.length,
    best:
      best?.trial.runId && best.value !== null
        ? { runId: best.trial.runId, number: best.trial.number, value: best.value, params: best.trial.params }
        : null,
    reason: record.reason,
  };
}
