import type { EarlyStopRule } from "@looplab/core";
import { describe, expect, it } from "vitest";
import {
  bestTrial,
  describeDuration,
  proposalCount,
  pruneChecks,
  samplerHistory,
  type TrialObservation,
} from "./sweep-decisions.js";

function trial(number: number, extra: Partial<TrialObservation> = {}): TrialObservation {
  return { number, params: { x: number }, status: "running", value: null, points: [], checkedStep: null, ...extra };
}
const curve = (values: number[]) => values.map((value, i) => ({ step: i + 1, value }));

describe("sweep decisions", () => {
  it("tells the sampler pending, completed, failed and pruned trials; a finished trial without a value is failed", () => {
    const history = samplerHistory([
      trial(1, { status: null }),
      trial(2, { status: "queued" }),
      trial(3, { status: "finished", value: 0.5 }),
      trial(4, { status: "finished", value: null }),
      trial(5, { status: "pruned", value: 0.1 }),
      trial(6, { status: "crashed", value: 0.9 }),
    ]);
    expect(history.map((h) => h.state)).toEqual(["pending", "pending", "completed", "failed", "pruned", "failed"]);
    expect(history[2]?.value).toBe(0.5);
    expect(history[4]?.value).toBe(0.1);
  });

  it("fills parallel slots without passing the run budget", () => {
    const done = (n: number) => trial(n, { status: "finished", value: 1 });
    expect(proposalCount([], { runs: 10, parallel: 4 })).toBe(4);
    expect(proposalCount([trial(1), done(2)], { runs: 10, parallel: 4 })).toBe(3);
    expect(proposalCount([trial(1), done(2), done(3)], { runs: 4, parallel: 4 })).toBe(1);
    expect(proposalCount([done(1), done(2)], { runs: 2, parallel: 4 })).toBe(0);
    expect(proposalCount([trial(1), trial(2)], { runs: 10, parallel: 2 })).toBe(0);
  });

  it("median rule prunes a running trial worse than the median of the others at its step", () => {
    const rule: EarlyStopRule = { method: "median", metric: "acc", goal: "max", minSteps: 2, minTrials: 2 };
    const trials = [
      trial(1, { status: "finished", points: curve([0.8, 0.85, 0.9]) }),
      trial(2, { status: "finished", points: curve([0.7, 0.8, 0.85]) }),
      trial(3, { points: curve([0.1, 0.2]) }),
      trial(4, { points: curve([0.9, 0.95]) }),
      trial(5, { points: curve([0.1]) }),
    ];
    const checks = pruneChecks(rule, trials);
    expect(checks).toEqual([
      { number: 3, prune: true, checkedStep: 2 },
      { number: 4, prune: false, checkedStep: 2 },
      { number: 5, prune: false, checkedStep: 1 },
    ]);
    // Points already judged are not judged again.
    expect(
      pruneChecks(rule, [
        trials[0],
        trials[1],
        { ...(trials[2] as TrialObservation), checkedStep: 2 },
      ] as TrialObservation[]),
    ).toEqual([]);
  });

  it("ASHA judges every rung a trial crossed since the last check, once", () => {
    const rule: EarlyStopRule = {
      method: "asha",
      metric: "loss",
      goal: "min",
      minSteps: 1,
      reduction: 3,
      maxSteps: null,
    };
    const others = [1, 2, 3].map((n) => trial(n, { status: "finished", points: curve([0.1 * n, 0.05 * n, 0.01 * n]) }));
    // Trial 4 reported 3 points since the last tick; at rung 1 it is worse than the top third.
    const late = trial(4, { points: curve([0.9, 0.001, 0.0001]) });
    expect(pruneChecks(rule, [...others, late])).toEqual([{ number: 4, prune: true, checkedStep: 1 }]);
    // Once rung 1 was judged (checkedStep 1), later points are judged at rung 3 only.
    expect(pruneChecks(rule, [...others, { ...late, checkedStep: 1 }])).toEqual([
      { number: 4, prune: false, checkedStep: 3 },
    ]);
  });

  it("picks the best finite value by goal and renders durations", () => {
    const trials = [trial(1, { value: 0.3 }), trial(2, { value: Number.NaN }), trial(3, { value: 0.7 }), trial(4)];
    expect(bestTrial(trials, "max")?.number).toBe(3);
    expect(bestTrial(trials, "min")?.number).toBe(1);
    expect(bestTrial([trial(1)], "min")).toBeNull();
    expect(describeDuration(5_400_000)).toBe("1h 30m");
    expect(describeDuration(2000)).toBe("2s");
  });
});
