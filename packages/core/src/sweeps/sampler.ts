/**
 * One interface for every search method: `propose(history, n)` returns up to n new trials. A
 * sampler is a pure function of its seed and the history it is given (trial i always uses the
 * random stream of (seed, i)), so a controller restarted from stored trials proposes the same.
 */
import type { MetricGoal } from "../schemas/projects.js";
import type { SweepMethod } from "../schemas/sweeps.js";

/** pending = queued or running; pruned = stopped by early stopping; failed = ended with an error. */
export type TrialState = "pending" | "completed" | "failed" | "pruned";

export interface TrialRecord {
  /** The sampled values by dotted key (not the whole config). */
  params: Record<string, unknown>;
  state: TrialState;
  /** The objective: the final value of a completed trial, the last reported one of a pruned trial. */
  value?: number | null;
}

export interface Proposal {
  /** Position of the trial in the sweep (history length + its place in this batch). */
  index: number;
  params: Record<string, unknown>;
  /** The defaults with the params applied: what the run receives. */
  config: Record<string, unknown>;
}

export interface Sampler {
  readonly method: SweepMethod;
  /** Up to n proposals (fewer when a grid runs out). Proposals of one call are distinct trials. */
  propose(history: readonly TrialRecord[], n: number): Proposal[];
}

/** Value to minimise: the objective itself for goal min, its negation for goal max. */
export function lossOf(value: number, goal: MetricGoal): number {
  return goal === "max" ? -value : value;
}
