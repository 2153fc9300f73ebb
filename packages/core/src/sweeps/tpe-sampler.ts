/**
 * Bayesian search with the Tree-structured Parzen Estimator (Bergstra et al., 2011), one
 * independent estimator per parameter:
 * - the first `startupTrials` observed trials are drawn at random (the same draws as random search);
 * - then observed trials are split at the quantile γ: the best ⌈γ(n)⌉ completed trials are "good",
 *   the rest "bad" (pruned trials always count as bad, failed trials are left out);
 * - per parameter, l(x) and g(x) are Parzen estimators over the good and bad values; candidates
 *   drawn from l(x) are scored by l(x)/g(x) and the best is proposed;
 * - constant liar: pending trials (queued, running, or proposed earlier in the same call) count
 *   as bad with the worst possible value, which steers parallel proposals apart; and a proposal
 *   identical to a pending trial is replaced by the best-scoring combination of candidates that
 *   is not (or, when none is left, by a draw from the prior).
 */
import { applyAssignments } from "../config/config-overrides.js";
import type { MetricGoal } from "../schemas/projects.js";
import { createParzenEstimator } from "./parzen-estimator.js";
import type { Rng } from "./prng.js";
import { trialRng } from "./random-sampler.js";
import { lossOf, type Proposal, type Sampler, type TrialRecord } from "./sampler.js";
import { inDomain, type SearchSpace, samplePoint } from "./search-space.js";

export interface TpeOptions {
  space: SearchSpace;
  defaults?: Record<string, unknown>;
  seed: number;
  goal: MetricGoal;
  /** Observed (completed or pruned) trials drawn at random before TPE takes over. Default 10. */
  startupTrials?: number;
  /** Candidates drawn from l(x) per parameter. Default 24. */
  candidates?: number;
  /** Number of good trials out of n ranked ones. Default min(⌈0.1·n⌉, 25). */
  gamma?: (n: number) => number;
  /** Weight of the prior component in every estimator. Default 1. */
  priorWeight?: number;
  /** Count pending trials as bad (constant liar) and avoid proposing a pending point again. Default true. */
  constantLiar?: boolean;
}

export const defaultGamma = (n: number) => Math.min(Math.ceil(0.1 * n), 25);

interface Scored {
  value: unknown;
  score: number;
}

/** Identity of a point over the space's keys (for spotting a duplicate of a pending trial). */
function pointKey(space: SearchSpace, params: Record<string, unknown>): string {
  return JSON.stringify(space.map((param) => params[param.key] ?? null));
}

/**
 * The combination of candidates with the highest total score that is not pending: best-first
 * over combinations ordered by how much score they give up, at most `limit` of them tried.
 */
function bestUnpendingPicks(scored: Scored[][], isPending: (picks: number[]) => boolean, limit = 256): number[] | null {
  const drop = (picks: number[]) =>
    picks.reduce((sum, pick, i) => sum + ((scored[i]?.[0]?.score ?? 0) - (scored[i]?.[pick]?.score ?? 0)), 0);
  const frontier: { picks: number[]; drop: number }[] = [{ picks: scored.map(() => 0), drop: 0 }];
  const seen = new Set<string>([frontier[0]?.picks.join(",") ?? ""]);
  for (let tried = 0; frontier.length > 0 && tried < limit; tried++) {
    const current = frontier.shift() as { picks: number[]; drop: number };
    if (!isPending(current.picks)) return current.picks;
    current.picks.forEach((pick, i) => {
      if (pick + 1 >= (scored[i]?.length ?? 0)) return;
      const next = [...current.picks];
      next[i] = pick + 1;
      const key = next.join(",");
      if (seen.has(key)) return;
      seen.add(key);
      const entry = { picks: next, drop: drop(next) };
      const at = frontier.findIndex((f) => f.drop > entry.drop);
      frontier.splice(at < 0 ? frontier.length : at, 0, entry);
    });
  }
  return null;
}

interface Ranked {
  params: Record<string, unknown>;
  loss: number;
}

/** Splits the history into good and bad trials, or returns null while still in the start-up phase. */
function splitHistory(
  history: readonly TrialRecord[],
  goal: MetricGoal,
  startupTrials: number,
  constantLiar: boolean,
  gamma: (n: number) => number,
): { good: Ranked[]; bad: Ranked[] } | null {
  const completed: Ranked[] = [];
  const worse: Ranked[] = [];
  for (const trial of history) {
    const hasValue = typeof trial.value === "number" && !Number.isNaN(trial.value);
    if (trial.state === "completed" && hasValue)
      completed.push({ params: trial.params, loss: lossOf(trial.value as number, goal) });
    else if (trial.state === "pruned" || (trial.state === "completed" && !hasValue)) {
      worse.push({ params: trial.params, loss: Number.POSITIVE_INFINITY });
    } else if (trial.state === "pending" && constantLiar) {
      worse.push({ params: trial.params, loss: Number.POSITIVE_INFINITY });
    }
  }
  const observed = history.filter((t) => t.state === "completed" || t.state === "pruned").length;
  if (observed < startupTrials || completed.length === 0) return null;
  // Stable sort: ties keep history order, so the split is deterministic.
  completed.sort((a, b) => a.loss - b.loss);
  const n = completed.length + worse.length;
  const nGood = Math.min(completed.length, Math.max(1, gamma(n)));
  return { good: completed.slice(0, nGood), bad: [...completed.slice(nGood), ...worse] };
}

export function createTpeSampler(options: TpeOptions): Sampler {
  const {
    space,
    defaults = {},
    seed,
    goal,
    startupTrials = 10,
    candidates = 24,
    gamma = defaultGamma,
    priorWeight = 1,
    constantLiar = true,
  } = options;

  /** Per parameter: distinct candidates drawn from l(x), best l(x)/g(x) first. */
  function scoredCandidates(good: Ranked[], bad: Ranked[], rng: Rng): Scored[][] {
    return space.map((param) => {
      const valuesOf = (group: Ranked[]) =>
        group.map((t) => t.params[param.key]).filter((value) => inDomain(param, value));
      const l = createParzenEstimator(param, valuesOf(good), priorWeight);
      const g = createParzenEstimator(param, valuesOf(bad), priorWeight);
      const byKey = new Map<string, Scored>();
      for (let i = 0; i < candidates; i++) {
        const value = l.sample(rng);
        const key = JSON.stringify(value);
        if (!byKey.has(key)) byKey.set(key, { value, score: l.logDensity(value) - g.logDensity(value) });
      }
      // Stable: equal scores keep the order in which they were drawn.
      return [...byKey.values()].sort((a, b) => b.score - a.score);
    });
  }

  function tpePoint(good: Ranked[], bad: Ranked[], pending: ReadonlySet<string>, rng: Rng): Record<string, unknown> {
    const scored = scoredCandidates(good, bad, rng);
    const toPoint = (picks: number[]) =>
      Object.fromEntries(space.map((param, i) => [param.key, scored[i]?.[picks[i] as number]?.value]));
    const best = bestUnpendingPicks(scored, (picks) => pending.has(pointKey(space, toPoint(picks))));
    if (best) return toPoint(best);
    // Every good candidate is already pending: fall back to the prior.
    for (let i = 0; i < 20; i++) {
      const point = samplePoint(space, rng);
      if (!pending.has(pointKey(space, point))) return point;
    }
    return toPoint(space.map(() => 0));
  }

  return {
    method: "bayes",
    propose(history: readonly TrialRecord[], n: number): Proposal[] {
      const working: TrialRecord[] = [...history];
      const proposals: Proposal[] = [];
      for (let k = 0; k < n; k++) {
        const index = history.length + k;
        const rng = trialRng(seed, index);
        const split = splitHistory(working, goal, startupTrials, constantLiar, gamma);
        const pending = new Set(
          constantLiar ? working.filter((t) => t.state === "pending").map((t) => pointKey(space, t.params)) : [],
        );
        const params = split ? tpePoint(split.good, split.bad, pending, rng) : samplePoint(space, rng);
        proposals.push({ index, params, config: applyAssignments(defaults, params) });
        working.push({ params, state: "pending" });
      }
      return proposals;
    },
  };
}
