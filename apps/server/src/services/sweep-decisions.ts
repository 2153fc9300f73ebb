/**
 * The controller's decisions as pure functions of a sweep's stored trials (no I/O): the history
 * told to the sampler, which running trials early stopping prunes, how many trials to propose and
 * whether the sweep is over. services/sweep-controller.ts gathers the inputs and acts on them.
 */
import {
  type EarlyStopRule,
  earlyStopDecision,
  type MetricGoal,
  type RunStatus,
  type TrialMetrics,
  type TrialPoint,
  type TrialRecord,
} from "@looplab/core";

export interface TrialObservation {
  number: number;
  params: Record<string, unknown>;
  /** Null while the trial is reserved but its run not yet queued. */
  status: RunStatus | null;
  /** The objective's best finite value so far (by the goal), null before any. */
  value: number | null;
  /** The early-stopping metric's points in arrival order (empty without a rule). */
  points: readonly TrialPoint[];
  checkedStep: number | null;
}

export const isActiveStatus = (status: RunStatus | null) =>
  status === null || status === "queued" || status === "running";

/** The trials as the sampler sees them, in trial-number order (trial n is history[n-1]). */
export function samplerHistory(trials: readonly TrialObservation[]): TrialRecord[] {
  return trials.map((t): TrialRecord => {
    if (isActiveStatus(t.status)) return { params: t.params, state: "pending" };
    if (t.status === "pruned") return { params: t.params, state: "pruned", value: t.value };
    // A finished trial without a finite objective value is told as failed.
    if (t.status === "finished" && t.value !== null && Number.isFinite(t.value)) {
      return { params: t.params, state: "completed", value: t.value };
    }
    return { params: t.params, state: "failed" };
  });
}

export interface PruneCheck {
  number: number;
  prune: boolean;
  /** The largest step judged now: recorded so each point (each ASHA rung) is judged once. */
  checkedStep: number;
}

/**
 * Early stopping over the running trials: each point that arrived since the last check is judged
 * as if it had just arrived (ASHA decides a rung when a trial first reaches it), against the
 * points every other trial has reported.
 */
export function pruneChecks(rule: EarlyStopRule, trials: readonly TrialObservation[]): PruneCheck[] {
  const metrics: TrialMetrics[] = trials.map((t) => ({ id: String(t.number), points: t.points }));
  const checks: PruneCheck[] = [];
  trials.forEach((trial, i) => {
    if (trial.status !== "running" || trial.points.length === 0) return;
    const others = metrics.filter((_, j) => j !== i);
    const checked = trial.checkedStep ?? Number.NEGATIVE_INFINITY;
    let top = checked;
    let prune = false;
    for (let k = 0; k < trial.points.length && !prune; k++) {
      const point = trial.points[k] as TrialPoint;
      if (point.step <= checked) continue;
      if (rule.method === "median" && k < trial.points.length - 1) {
        top = Math.max(top, point.step);
        continue;
      }
      const prefix: TrialMetrics = { id: String(trial.number), points: trial.points.slice(0, k + 1) };
      prune = earlyStopDecision(rule, prefix, others) === "prune";
      top = Math.max(top, point.step);
    }
    if (top > checked) checks.push({ number: trial.number, prune, checkedStep: top });
  });
  return checks;
}

/** How many new trials to propose now: fill `parallel`, never past `runs` in total. */
export function proposalCount(trials: readonly TrialObservation[], budget: { runs: number; parallel: number }): number {
  const active = trials.filter((t) => isActiveStatus(t.status)).length;
  return Math.max(0, Math.min(budget.parallel - active, budget.runs - trials.length));
}

/** The best trial by the goal among those with a value. */
export function bestTrial<T extends Pick<TrialObservation, "value">>(trials: readonly T[], goal: MetricGoal): T | null {
  let best: T | null = null;
  for (const t of trials) {
    if (t.value === null || !Number.isFinite(t.value)) continue;
    if (best === null || (goal === "max" ? t.value > (best.value as number) : t.value < (best.value as number))) {
      best = t;
    }
  }
  return best;
}

/** "1h 30m" style rendering of a wall-time budget, for the reason a sweep ended. */
export function describeDuration(ms: number): string {
  const units: [string, number][] = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.length > 0 ? parts.join(" ") : `${ms}ms`;
}
