import { endStatuses, type RunStatus } from "./schemas/runs.js";

/**
 * The one run lifecycle (DESIGN.md §4): queued → running; running → any end state;
 * an end state → running only by an explicit resume of the same run.
 */
export function isEndStatus(status: RunStatus): boolean {
  return endStatuses.includes(status);
}

export function transitionError(from: RunStatus, to: RunStatus, opts: { resume?: boolean } = {}): string | null {
  if (from === to) return null;
  if (to === "queued") return `a ${from} run cannot go back to queued`;
  if (from === "queued") {
    return to === "running" || to === "killed" ? null : `a queued run must start before it can be ${to}`;
  }
  if (from === "running") return null;
  // from an end state
  if (to === "running") return opts.resume ? null : `run is ${from}; pass resume: true to resume it`;
  return `run is already ${from}; it cannot become ${to}`;
}
