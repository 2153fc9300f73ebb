/**
 * Early-stopping rules as pure functions over the metric histories the runs already report.
 * Each call decides for one trial, as its newest point arrives: `continue` or `prune`.
 * Points are given in arrival order; a non-finite value (NaN, ±Infinity) counts as the worst.
 */
import type { MetricGoal } from "../schemas/projects.js";
import { lossOf } from "./sampler.js";
import type { EarlyStopRule } from "./sweep-spec.js";

export interface TrialPoint {
  step: number;
  value: number;
}

export interface TrialMetrics {
  id: string;
  /** The trial's points of the rule's metric, in arrival order. */
  points: readonly TrialPoint[];
}

export type StopDecision = "continue" | "prune";

function toLoss(value: number, goal: MetricGoal): number {
  return Number.isFinite(value) ? lossOf(value, goal) : Number.POSITIVE_INFINITY;
}

function maxStep(points: readonly TrialPoint[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const p of points) if (p.step > max) max = p.step;
  return max;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface MedianRuleOptions {
  goal: MetricGoal;
  /** No decision before the trial reaches this step. */
  minSteps: number;
  /** Other trials that must have reached the step before anyone is stopped. */
  minTrials: number;
}

/**
 * Median stopping rule (Golovin et al., 2017): at its latest step s ≥ minSteps, a trial is
 * pruned when its best value so far is strictly worse than the median, over the other trials
 * that have reached step s, of their running averages (mean of their values at steps ≤ s).
 */
export function medianStoppingDecision(
  trial: TrialMetrics,
  others: readonly TrialMetrics[],
  options: MedianRuleOptions,
): StopDecision {
  const step = maxStep(trial.points);
  if (!(step >= options.minSteps)) return "continue";
  let best = Number.POSITIVE_INFINITY;
  for (const p of trial.points) if (p.step <= step) best = Math.min(best, toLoss(p.value, options.goal));
  const averages: number[] = [];
  for (const other of others) {
    if (other.id === trial.id || maxStep(other.points) < step) continue;
    const upTo = other.points.filter((p) => p.step <= step);
    if (upTo.length === 0) continue;
    averages.push(upTo.reduce((sum, p) => sum + toLoss(p.value, options.goal), 0) / upTo.length);
  }
  if (averages.length < options.minTrials) return "continue";
  return best > medianOf(averages) ? "prune" : "continue";
}

export interface AshaOptions {
  goal: MetricGoal;
  /** The first rung. */
  minSteps: number;
  /** η: rungs at minSteps·η^k; the top 1/η of each rung goes on. */
  reduction: number;
  /** No rung after this step. */
  maxSteps?: number | null;
}

/** The rung steps up to `upTo` (inclusive): minSteps·η^k rounded, strictly increasing, capped by maxSteps. */
export function ashaRungs(options: AshaOptions, upTo: number): number[] {
  const limit = Math.min(upTo, options.maxSteps ?? Number.POSITIVE_INFINITY);
  const rungs: number[] = [];
  for (let k = 0; ; k++) {
    const rung = Math.round(options.minSteps * options.reduction ** k);
    if (rung > limit || !Number.isFinite(rung)) break;
    if (rungs.length === 0 || rung > (rungs[rungs.length - 1] as number)) rungs.push(rung);
    if (k > 200) break;
  }
  return rungs;
}

/** A trial's value at a rung: its first-arrived point at or past the rung's step. */
function rungLoss(points: readonly TrialPoint[], rung: number, goal: MetricGoal): number | null {
  const point = points.find((p) => p.step >= rung);
  return point ? toLoss(point.value, goal) : null;
}

/**
 * Asynchronous successive halving (Li et al., 2018), decided as each point arrives: when a
 * trial's newest point reaches a rung for the first time, it goes on only if its value there is
 * among the top ⌊n/η⌋ of the n trials that have reached that rung (itself included) — or, while
 * fewer than η have, only if it is the best of them. Between rungs a trial always continues.
 */
export function ashaDecision(trial: TrialMetrics, others: readonly TrialMetrics[], options: AshaOptions): StopDecision {
  const latest = trial.points[trial.points.length - 1];
  if (!latest) return "continue";
  const before = maxStep(trial.points.slice(0, -1));
  const crossed = ashaRungs(options, latest.step).filter((rung) => rung > before && rung <= latest.step);
  for (const rung of crossed) {
    const own = toLoss(latest.value, options.goal);
    const losses = [own];
    for (const other of others) {
      if (other.id === trial.id) continue;
      const loss = rungLoss(other.points, rung, options.goal);
      if (loss !== null) losses.push(loss);
    }
    losses.sort((a, b) => a - b);
    const promoted = Math.max(1, Math.floor(losses.length / options.reduction));
    if (own > (losses[promoted - 1] as number)) return "prune";
  }
  return "continue";
}

/** The decision of a sweep's early-stopping rule for one trial. */
export function earlyStopDecision(
  rule: EarlyStopRule,
  trial: TrialMetrics,
  others: readonly TrialMetrics[],
): StopDecision {
  if (rule.method === "median") return medianStoppingDecision(trial, others, rule);
  return ashaDecision(trial, others, rule);
}
