/** Picks the sampler of a sweep's method. */
import type { MetricGoal } from "../schemas/projects.js";
import type { SweepMethod } from "../schemas/sweeps.js";
import { createGridSampler } from "./grid-sampler.js";
import { createRandomSampler } from "./random-sampler.js";
import type { Sampler } from "./sampler.js";
import type { SearchSpace } from "./search-space.js";
import type { ResolvedSweep } from "./sweep-spec.js";
import { createTpeSampler, type TpeOptions } from "./tpe-sampler.js";

export interface SamplerSettings {
  method: SweepMethod;
  space: SearchSpace;
  defaults?: Record<string, unknown>;
  seed: number;
  goal: MetricGoal;
  /** Tuning of Bayesian search (defaults follow Optuna's TPE). */
  tpe?: Pick<TpeOptions, "startupTrials" | "candidates" | "gamma" | "priorWeight" | "constantLiar">;
}

export function createSampler(settings: SamplerSettings): Sampler {
  const { method, space, defaults = {}, seed, goal } = settings;
  if (method === "grid") return createGridSampler({ space, defaults });
  if (method === "random") return createRandomSampler({ space, defaults, seed });
  return createTpeSampler({ ...settings.tpe, space, defaults, seed, goal });
}

/** The sampler of a resolved sweep file. */
export function createSweepSampler(sweep: ResolvedSweep): Sampler {
  return createSampler({
    method: sweep.spec.method,
    space: sweep.space,
    defaults: sweep.spec.config,
    seed: sweep.spec.seed,
    goal: sweep.spec.objective.goal,
  });
}
