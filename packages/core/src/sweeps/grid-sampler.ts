/** Grid search: the cartesian product of the space in a stable order; the budget truncates it. */
import { applyAssignments } from "../config/config-overrides.js";
import type { Proposal, Sampler, TrialRecord } from "./sampler.js";
import { gridPoint, gridSize, type SearchSpace } from "./search-space.js";

export interface GridSamplerOptions {
  space: SearchSpace;
  defaults?: Record<string, unknown>;
}

export function createGridSampler(options: GridSamplerOptions): Sampler & { readonly size: number } {
  const { space, defaults = {} } = options;
  const size = gridSize(space);
  if (!Number.isFinite(size)) throw new Error("grid search needs a finite space (give continuous ranges steps)");
  return {
    method: "grid",
    size,
    propose(history: readonly TrialRecord[], n: number): Proposal[] {
      const proposals: Proposal[] = [];
      for (let index = history.length; index < size && proposals.length < n; index++) {
        const params = gridPoint(space, index);
        proposals.push({ index, params, config: applyAssignments(defaults, params) });
      }
      return proposals;
    },
  };
}
