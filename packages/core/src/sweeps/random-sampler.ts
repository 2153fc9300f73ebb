/** Random search: trial i draws every parameter from its prior with the random stream of (seed, i). */
import { applyAssignments } from "../config/config-overrides.js";
import { createRng, mixSeed, type Rng } from "./prng.js";
import type { Proposal, Sampler, TrialRecord } from "./sampler.js";
import { type SearchSpace, samplePoint } from "./search-space.js";

export interface RandomSamplerOptions {
  space: SearchSpace;
  defaults?: Record<string, unknown>;
  seed: number;
}

/** The random stream of one trial of a sweep; TPE's start-up trials use the same stream. */
export function trialRng(seed: number, index: number): Rng {
  return createRng(mixSeed(seed, index));
}

export function createRandomSampler(options: RandomSamplerOptions): Sampler {
  const { space, defaults = {}, seed } = options;
  return {
    method: "random",
    propose(history: readonly TrialRecord[], n: number): Proposal[] {
      const proposals: Proposal[] = [];
      for (let k = 0; k < n; k++) {
        const index = history.length + k;
        const params = samplePoint(space, trialRng(seed, index));
        proposals.push({ index, params, config: applyAssignments(defaults, params) });
      }
      return proposals;
    },
  };
}
