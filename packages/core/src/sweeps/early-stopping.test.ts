import { describe, expect, it } from "vitest";
import type { MetricGoal } from "../schemas/projects.js";
import {
  ashaDecision,
  ashaRungs,
  earlyStopDecision,
  medianStoppingDecision,
  type StopDecision,
  type TrialMetrics,
  type TrialPoint,
} from "./early-stopping.js";

type Event = [id: string, step: number, value: number];
type Decide = (trial: TrialMetrics, others: TrialMetrics[]) => StopDecision;

/**
 * Feeds points in arrival order, asking for a decision after each; a pruned trial stops
 * reporting. Returns the step at which each pruned trial was stopped.
 */
function simulate(events: Event[], decide: Decide, initial: TrialMetrics[] = []): Record<string, number> {
  const histories = new Map<string, TrialPoint[]>(initial.map((t) => [t.id, [...t.points]]));
  const pruned: Record<string, number> = {};
  for (const [id, step, value] of events) {
    if (id in pruned) continue;
    const points = histories.get(id) ?? [];
    points.push({ step, value });
    histories.set(id, points);
    const all = [...histories].map(([tid, pts]) => ({ id: tid, points: pts }));
    const trial = all.find((t) => t.id === id) as TrialMetrics;
    if (decide(trial, all) === "prune") pruned[id] = step;
  }
  return pruned;
}

const flip = (goal: MetricGoal, v: number) => (goal === "max" ? v : -v);
const series = (id: string, values: number[], goal: MetricGoal): TrialMetrics => ({
  id,
  points: values.map((v, i) => ({ step: i + 1, value: flip(goal, v) })),
});

describe("median stopping rule", () => {
  for (const goal of ["max", "min"] as const) {
    it(`prunes exactly the trials below the median of running averages (goal ${goal})`, () => {
      // Reference trials, written as "higher is better" and mirrored for goal min.
      // Running averages at steps 1..4 — R1: .2 .3 .4 .5, R2: .3 .4 .5 .6, R3: .1 .15 .2 .25;
      // R4 stops at step 2: 0 0. Medians: step 2 → (.15 + .3)/2 = .225, step 3 → .4, step 4 → .5.
      const references = [
        series("R1", [0.2, 0.4, 0.6, 0.8], goal),
        series("R2", [0.3, 0.5, 0.7, 0.9], goal),
        series("R3", [0.1, 0.2, 0.3, 0.4], goal),
        series("R4", [0, 0], goal),
      ];
      const trials: Record<string, number[]> = {
        T1: [0.5, 0.55, 0.6, 0.65], // always above: kept
        T2: [0.1, 0.2, 0.9, 0.9], // best .2 < .225 at step 2: pruned at 2
        T3: [0.05, 0.35, 0.38, 0.45], // .35 > .225 at step 2, .38 < .4 at step 3: pruned at 3
        T4: [0.9, 0.1, 0.1, 0.1], // best so far stays .9: kept
        T6: [Number.NaN, Number.NaN, 0.9, 0.9], // NaN is the worst value: pruned at 2
        T7: [0.1, 0.25, 0.5, 0.6], // .25 > .225 only because R4 counts at step 2: kept
      };
      const events: Event[] = [];
      for (let step = 1; step <= 4; step++) {
        for (const [id, values] of Object.entries(trials))
          events.push([id, step, flip(goal, values[step - 1] as number)]);
      }
      // Each candidate is judged against the references only (as if it ran alone after them).
      const pruned: Record<string, number> = {};
      for (const id of Object.keys(trials)) {
        Object.assign(
          pruned,
          simulate(
            events.filter((e) => e[0] === id),
            (trial, all) => medianStoppingDecision(trial, all, { goal, minSteps: 2, minTrials: 3 }),
            references,
          ),
        );
      }
      expect(pruned).toEqual({ T2: 2, T3: 3, T6: 2 });
    });
  }

  it("waits for min_steps and min_trials", () => {
    const others = [series("R1", [0.9, 0.9, 0.9], "max"), series("R2", [0.9, 0.9, 0.9], "max")];
    const bad = series("T", [0.1, 0.1], "max");
    const rule = { goal: "max" as const, minSteps: 2, minTrials: 2 };
    expect(medianStoppingDecision({ id: "T", points: bad.points.slice(0, 1) }, others, rule)).toBe("continue");
    expect(medianStoppingDecision(bad, others, rule)).toBe("prune");
    expect(medianStoppingDecision(bad, others, { ...rule, minTrials: 3 })).toBe("continue");
    // The trial itself is never one of the "others".
    expect(medianStoppingDecision(bad, [...others, bad], { ...rule, minTrials: 3 })).toBe("continue");
  });
});

describe("ASHA", () => {
  it("places rungs at min_steps·η^k up to max_steps", () => {
    expect(ashaRungs({ goal: "max", minSteps: 2, reduction: 3 }, 100)).toEqual([2, 6, 18, 54]);
    expect(ashaRungs({ goal: "max", minSteps: 2, reduction: 3, maxSteps: 20 }, 100)).toEqual([2, 6, 18]);
    expect(ashaRungs({ goal: "max", minSteps: 1, reduction: 1.5 }, 8)).toEqual([1, 2, 3, 5, 8]);
  });

  for (const goal of ["max", "min"] as const) {
    it(`promotes the top 1/η at each rung as metrics arrive (goal ${goal})`, () => {
      // η = 3, rungs at steps 1, 3, 9 (max_steps 9). Values are "higher is better".
      const rung1: Record<string, number> = {
        T1: 0.5,
        T2: 0.3,
        T3: 0.6,
        T4: 0.2,
        T5: 0.7,
        T6: 0.1,
        T7: 0.4,
        T8: 0.8,
        T9: 0.35,
      };
      const rung3: Record<string, number> = { T1: 0.55, T3: 0.9, T5: 0.65, T8: 0.75 };
      const rung9: Record<string, number> = { T1: 0.6, T3: 0.95 };
      const events: Event[] = [];
      const ids = Object.keys(rung1);
      for (const id of ids) events.push([id, 1, flip(goal, rung1[id] as number)]);
      for (const id of ids) {
        events.push([id, 2, flip(goal, rung1[id] as number)]);
        events.push([id, 3, flip(goal, rung3[id] ?? 0)]);
      }
      for (const id of ids) {
        for (let step = 4; step <= 12; step++) events.push([id, step, flip(goal, step >= 9 ? (rung9[id] ?? 0) : 0.5)]);
      }
      const rule = { method: "asha" as const, metric: "m", goal, minSteps: 1, reduction: 3, maxSteps: 9 };
      const pruned = simulate(events, (trial, all) => earlyStopDecision(rule, trial, all));
      // Rung 1 (n → ⌊n/3⌋ promoted, at least the best): T1 first (best of 1); T2 .3 < .5; T3 best of 3;
      // T4 .2 < .6; T5 best of 5; T6 .1 and T7 .4 outside the top 2 of 6 and 7 (.7, .6); T8 best;
      // T9 .35 outside the top 3 of 9 (.8, .7, .6).
      // Rung 3: T1 first; T3 .9 best of 2; T5 .65 and T8 .75 not the best of 3 and 4 (.9).
      // Rung 9: T1 first, T3 best of 2; nothing after max_steps.
      expect(pruned).toEqual({ T2: 1, T4: 1, T6: 1, T7: 1, T9: 1, T5: 3, T8: 3 });
    });
  }

  it("decides only when a point first reaches a rung (a resumed run re-logging steps is left alone)", () => {
    const rule = { goal: "max" as const, minSteps: 2, reduction: 2 };
    const leader: TrialMetrics = series("L", [0.9, 0.9, 0.9, 0.9], "max");
    const resumed: TrialMetrics = {
      id: "R",
      points: [
        { step: 1, value: 0.95 },
        { step: 2, value: 0.95 },
        { step: 3, value: 0.95 },
        { step: 2, value: 0.1 },
      ],
    };
    expect(ashaDecision(resumed, [leader], rule)).toBe("continue");
    const laggard = series("S", [0.1, 0.1], "max");
    expect(ashaDecision(laggard, [leader], rule)).toBe("prune");
    expect(ashaDecision({ id: "S", points: laggard.points.slice(0, 1) }, [leader], rule)).toBe("continue");
    // A jump over two rungs (2 and 4) is judged at both.
    const jumper: TrialMetrics = { id: "J", points: [{ step: 5, value: 0.95 }] };
    expect(ashaDecision(jumper, [leader], rule)).toBe("continue");
  });
});
