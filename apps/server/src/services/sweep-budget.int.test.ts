/**
 * Issue 6, "Must show": a 60-trial sweep of each method on a synthetic objective (a noisy
 * quadratic in 3 parameters, reported at every step of each trial) completes with the promised
 * budget and parallelism; grid and random search give the same trials for the same seed; ASHA
 * prunes exactly the trials that are not in the top 1/η of a rung when they reach it.
 * The trials are played through the real services by testing/sweep-driver.ts (no agents), on a
 * SQLite database file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job, SweepSpecInput } from "@looplab/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../ports/store.js";
import { openStore } from "../storage/open-store.js";
import { createSweepStack, type SweepStack } from "../testing/sweep-driver.js";

let dir: string;
let opened = 0;
const stores: Store[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "looplab-sweep-budget-"));
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stack(): Promise<SweepStack> {
  opened += 1;
  const store = await openStore(`sqlite:${join(dir, `sweep-${opened}.db`)}`);
  stores.push(store);
  return createSweepStack(store);
}

const PARALLEL = 4;
const RUNS = 60;

function spec(extra: Partial<SweepSpecInput>): SweepSpecInput {
  return {
    name: "quad3",
    project: "sweep-budget",
    command: ["node", "train.js"],
    space: { x: { uniform: [-2, 2] }, y: { uniform: [-2, 2] }, z: { uniform: [0, 1] } },
    method: "random",
    objective: { metric: "loss", goal: "min" },
    budget: { runs: RUNS, parallel: PARALLEL },
    seed: 42,
    ...extra,
  };
}

/** A deterministic noise in [-0.5, 0.5) from a string (FNV-1a). */
function noise(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h / 2 ** 32 - 0.5;
}

/** The noisy quadratic: decreasing with the step, minimum at (0.5, -1, 0.3). */
function loss(params: Record<string, unknown>, step: number): number {
  const x = params.x as number;
  const y = params.y as number;
  const z = params.z as number;
  const q = (x - 0.5) ** 2 + (y + 1) ** 2 + 2 * (z - 0.3) ** 2;
  return q * (1 + 1 / step) + 0.02 * noise(`${JSON.stringify(params)}@${step}`);
}

interface Played {
  /** Most trials queued or running at once. */
  maxActive: number;
  /** Per job: the loss it reported at each step. */
  reported: Map<string, number[]>;
  pruned: Set<string>;
  /** ASHA decisions as the test saw them: job, rung, its rank there, how many had reached it. */
  rungChecks: { jobId: string; rung: number; rank: number; reached: number; pruned: boolean }[];
}

/**
 * Plays the sweep to its end like a pool of agents would: every active trial reports one more
 * step per round (its loss at that step), a trial that reported `steps` steps finishes, the
 * controller ticks, pruned trials stop, new trials start. Checks the parallelism at every round.
 */
async function play(s: SweepStack, sweepId: string, steps: number, rungs: number[] = []): Promise<Played> {
  const active: Job[] = [];
  const played: Played = { maxActive: 0, reported: new Map(), pruned: new Set(), rungChecks: [] };
  const rungValues = new Map<number, number[]>(rungs.map((r) => [r, []]));
  for (let round = 0; round < 2000; round++) {
    const reachedRung: { job: Job; rung: number; value: number }[] = [];
    for (const job of [...active]) {
      const values = played.reported.get(job.id) ?? [];
      const step = values.length + 1;
      const value = loss(job.config, step);
      values.push(value);
      played.reported.set(job.id, values);
      await s.report(job, "loss", [{ step, value }]);
      if (rungs.includes(step)) {
        rungValues.get(step)?.push(value);
        reachedRung.push({ job, rung: step, value });
      }
    }
    await s.sweeps.controller.tickSweep(sweepId);
    const stopped = new Set(await s.honourCancels("pruned"));
    for (const id of stopped) played.pruned.add(id);
    // What ASHA should have decided for each trial that reached a rung this round: it goes on
    // only if its value is among the top max(1, ⌊n/η⌋) of the n trials that reached the rung.
    for (const { job, rung, value } of reachedRung) {
      const at = rungValues.get(rung) as number[];
      played.rungChecks.push({
        jobId: job.id,
        rung,
        rank: 1 + at.filter((v) => v < value).length,
        reached: at.length,
        pruned: stopped.has(job.id),
      });
    }
    for (let i = active.length - 1; i >= 0; i--) {
      const job = active[i] as Job;
      if (stopped.has(job.id)) active.splice(i, 1);
      else if ((played.reported.get(job.id)?.length ?? 0) >= steps) {
        await s.finish(job);
        active.splice(i, 1);
      }
    }
    if (active.length === 0 || stopped.size > 0) {
      // Ended trials free their slots: the next tick proposes more.
      await s.sweeps.controller.tickSweep(sweepId);
    }
    const sweep = await s.sweeps.get(sweepId);
    if (sweep.state !== "running") return played;
    active.push(...(await s.startQueued()));
    const counted = (sweep.counts.queued ?? 0) + (sweep.counts.running ?? 0);
    played.maxActive = Math.max(played.maxActive, active.length, counted);
    expect(active.length).toBeLessThanOrEqual(PARALLEL);
    expect(counted).toBeLessThanOrEqual(PARALLEL);
  }
  throw new Error("the sweep did not end");
}

const trialsOf = async (s: SweepStack, sweepId: string) => (await s.sweeps.trials(sweepId, { limit: 1000 })).trials;

async function sweepOnce(extra: Partial<SweepSpecInput>, steps = 3) {
  const s = await stack();
  const created = await s.sweeps.create({ spec: spec(extra) });
  const played = await play(s, created.id, steps);
  const done = await s.sweeps.get(created.id);
  const trials = await trialsOf(s, created.id);
  return { s, created, played, done, trials };
}

function expectBudgetKept(result: Awaited<ReturnType<typeof sweepOnce>>) {
  const { played, done, trials } = result;
  expect(done).toMatchObject({ state: "finished", trials: RUNS });
  expect(done.counts.finished).toBe(RUNS);
  expect(trials.map((t) => t.number)).toEqual(Array.from({ length: RUNS }, (_, i) => i + 1));
  // Parallel 4, used to the full: 4 ran at once, never more.
  expect(played.maxActive).toBe(PARALLEL);
  expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(RUNS);
  // The best recorded is the minimum of the trials' values.
  const best = Math.min(...trials.map((t) => t.value as number));
  expect(done.best?.value).toBe(best);
}

describe("60-trial sweeps on a noisy 3-parameter quadratic", () => {
  it("grid (4×5×3): exactly the 60 points, 4 at a time, the same order twice", async () => {
    const grid = { x: [-1.5, -0.5, 0.5, 1.5], y: [-2, -1, 0, 1, 2], z: [0, 0.5, 1] };
    const first = await sweepOnce({ method: "grid", space: grid });
    expectBudgetKept(first);
    const points = first.trials.map((t) => t.params);
    const expected = grid.x.flatMap((x) => grid.y.flatMap((y) => grid.z.map((z) => ({ x, y, z }))));
    expect([...points].sort(byJson)).toEqual([...expected].sort(byJson));
    const second = await sweepOnce({ method: "grid", space: grid });
    expect(second.trials.map((t) => t.params)).toEqual(points);
  });

  it("random: 60 trials, 4 at a time; the same seed gives the same trials, another seed others", async () => {
    const first = await sweepOnce({ method: "random", seed: 5 });
    expectBudgetKept(first);
    const params = first.trials.map((t) => t.params);
    for (const p of params) {
      expect(Math.abs(p.x as number)).toBeLessThanOrEqual(2);
      expect(p.z as number).toBeGreaterThanOrEqual(0);
      expect(p.z as number).toBeLessThanOrEqual(1);
    }
    expect((await sweepOnce({ method: "random", seed: 5 })).trials.map((t) => t.params)).toEqual(params);
    expect((await sweepOnce({ method: "random", seed: 6 })).trials.map((t) => t.params)).not.toEqual(params);
  });

  it("bayes: 60 trials, 4 at a time, and it homes in on the minimum better than its first trials", async () => {
    const result = await sweepOnce({ method: "bayes", seed: 5 });
    expectBudgetKept(result);
    const values = result.trials.map((t) => t.value as number);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    expect(median(values.slice(-20))).toBeLessThan(median(values.slice(0, 20)));
  });

  it("ASHA (η = 2, rungs at steps 1, 2, 4): prunes exactly the trials outside the top half of a rung", async () => {
    const s = await stack();
    const created = await s.sweeps.create({
      spec: spec({
        method: "random",
        seed: 9,
        early_stop: { method: "asha", min_steps: 1, reduction: 2, max_steps: 4 },
      }),
    });
    const played = await play(s, created.id, 4, [1, 2, 4]);
    const done = await s.sweeps.get(created.id);
    expect(done).toMatchObject({ state: "finished", trials: RUNS });
    expect(played.maxActive).toBe(PARALLEL);
    expect(done.counts.finished + done.counts.pruned).toBe(RUNS);
    expect(done.counts.pruned).toBeGreaterThan(RUNS / 2);
    expect(done.counts.finished).toBeGreaterThan(0);

    // Every decision: pruned iff the trial's rank at the rung is worse than max(1, ⌊n/2⌋).
    expect(played.rungChecks.length).toBeGreaterThan(RUNS);
    for (const check of played.rungChecks) {
      const promoted = Math.max(1, Math.floor(check.reached / 2));
      expect({ ...check, shouldPrune: check.rank > promoted }).toMatchObject({ pruned: check.rank > promoted });
    }
    // The trials' runs end as the decisions say: pruned ones `pruned`, the others `finished`.
    const trials = await trialsOf(s, created.id);
    const byRun = new Map(trials.map((t) => [t.runId, t.status]));
    const jobs = (await s.queue.list({ sweepId: created.id, limit: 1000 })).jobs;
    expect(jobs).toHaveLength(RUNS);
    for (const job of jobs) {
      expect(byRun.get(job.runId)).toBe(played.pruned.has(job.id) ? "pruned" : "finished");
    }
    // The best trial at the first rung is never pruned.
    const firstRung = played.rungChecks.filter((c) => c.rung === 1);
    const bestAtFirst = [...played.reported].reduce((a, b) => ((a[1][0] as number) <= (b[1][0] as number) ? a : b));
    expect(firstRung.find((c) => c.jobId === bestAtFirst[0])?.pruned).toBe(false);
  });
});

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;
}
