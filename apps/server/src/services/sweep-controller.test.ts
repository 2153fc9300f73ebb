import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job, SweepSpecInput } from "@looplab/core";
import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../ports/store.js";
import { openStore } from "../storage/open-store.js";
import { createSweepStack, manualClock, type SweepStack } from "../testing/sweep-driver.js";

const opened: Store[] = [];
async function stack(url = "sqlite::memory:", clock = manualClock()): Promise<SweepStack> {
  const store = await openStore(url);
  opened.push(store);
  return createSweepStack(store, clock);
}
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

function spec(extra: Partial<SweepSpecInput> = {}): SweepSpecInput {
  return {
    name: "quad",
    project: "sweeps",
    command: ["python", "train.py"],
    config: { model: { width: 64 }, lr: 0.1 },
    space: { x: { uniform: [-2, 2] }, y: { uniform: [-2, 2] } },
    method: "random",
    objective: { metric: "loss", goal: "min" },
    budget: { runs: 6, parallel: 2 },
    seed: 7,
    ...extra,
  };
}

const quadratic = (params: Record<string, unknown>) =>
  ((params.x as number) - 0.5) ** 2 + ((params.y as number) + 0.3) ** 2;

/** Ticks and plays every trial to the end with the objective, until the sweep stops running. */
async function runToEnd(s: SweepStack, sweepId: string, objective = quadratic, maxTicks = 200) {
  const batches: Job[][] = [];
  for (let i = 0; i < maxTicks; i++) {
    await s.sweeps.controller.tickSweep(sweepId);
    if ((await s.sweeps.get(sweepId)).state !== "running") return batches;
    const jobs = await s.startQueued();
    if (jobs.length > 0) batches.push(jobs);
    for (const job of jobs) {
      const value = objective(job.config);
      await s.report(job, "loss", [{ step: 1, value }]);
      await s.finish(job, Number.isNaN(value) ? "failed" : "succeeded");
    }
  }
  throw new Error("sweep did not end");
}

async function allTrials(s: SweepStack, sweepId: string) {
  return (await s.sweeps.trials(sweepId, { limit: 1000 })).trials;
}

describe("sweep controller", () => {
  it("puts a trial whose agent vanished back in the queue: it resumes on its run, and no trial takes its place", async () => {
    const s = await stack();
    const created = await s.sweeps.create({ spec: spec({ budget: { runs: 2, parallel: 1 } }) });
    await s.sweeps.controller.tickSweep(created.id);
    const [first] = await s.startQueued();
    if (!first) throw new Error("no trial started");
    await s.report(first, "loss", [{ step: 1, value: 3 }]);

    s.clock.advance(s.queue.leaseTimeoutMs + 1);
    expect((await s.queue.expireLeases()).requeued).toEqual([first.id]);
    expect((await s.runs.get(first.runId)).status).toBe("crashed");
    await s.sweeps.controller.tickSweep(created.id);
    const during = await allTrials(s, created.id);
    expect(during.map((t) => [t.number, t.status, t.runId])).toEqual([[1, "queued", first.runId]]);
    expect((await s.sweeps.get(created.id)).counts).toMatchObject({ queued: 1, crashed: 0 });

    const [again] = await s.startQueued();
    expect(again).toMatchObject({ id: first.id, runId: first.runId, attempts: 2 });
    if (!again) throw new Error("the trial did not come back");
    await s.report(again, "loss", [{ step: 2, value: 1 }]);
    await s.finish(again);
    await runToEnd(s, created.id);
    const trials = await allTrials(s, created.id);
    expect(trials).toHaveLength(2);
    expect(trials[0]).toMatchObject({ number: 1, runId: first.runId, status: "finished" });
  });

  it("proposes parallel trials at once and finishes with exactly the run budget", async () => {
    const s = await stack();
    const created = await s.sweeps.create({ spec: spec() });
    expect(created).toMatchObject({ state: "running", trials: 2, name: "quad", project: "sweeps" });
    const batches = await runToEnd(s, created.id);
    expect(batches.map((b) => b.length)).toEqual([2, 2, 2]);
    const done = await s.sweeps.get(created.id);
    expect(done).toMatchObject({ state: "finished", trials: 6, reason: null });
    expect(done.counts.finished).toBe(6);
    const trials = await allTrials(s, created.id);
    expect(trials.map((t) => t.number)).toEqual([1, 2, 3, 4, 5, 6]);
    const best = trials.reduce((a, b) => ((a.value as number) <= (b.value as number) ? a : b));
    expect(done.best).toMatchObject({ number: best.number, runId: best.runId, value: best.value });
    // Each run carries its config (defaults + sampled params), its name and the sweep tag.
    const run = await s.runs.get(trials[0]?.runId as string);
    expect(run.name).toBe("quad-1");
    expect(run.tags).toEqual({ sweep: created.id });
    expect(run.config).toMatchObject({ model: { width: 64 }, lr: 0.1, x: trials[0]?.params.x });
  });

  it("ends a grid when it is exhausted, before the run budget", async () => {
    const s = await stack();
    const created = await s.sweeps.create({
      spec: spec({ method: "grid", space: { x: [1, 2, 3], "model.width": [32] }, budget: { runs: 10, parallel: 2 } }),
    });
    await runToEnd(s, created.id);
    const done = await s.sweeps.get(created.id);
    expect(done).toMatchObject({ state: "finished", trials: 3, reason: "grid exhausted after 3 trials" });
    const trials = await allTrials(s, created.id);
    expect(trials.map((t) => t.params)).toEqual([
      { x: 1, "model.width": 32 },
      { x: 2, "model.width": 32 },
      { x: 3, "model.width": 32 },
    ]);
  });

  it("random search is reproducible: the same seed gives the same trials, another seed others", async () => {
    const params = async (seed: number) => {
      const s = await stack();
      const created = await s.sweeps.create({ spec: spec({ seed }) });
      await runToEnd(s, created.id);
      return (await allTrials(s, created.id)).map((t) => t.params);
    };
    const a = await params(11);
    expect(await params(11)).toEqual(a);
    expect(await params(12)).not.toEqual(a);
  });

  it("Bayesian search proposes distinct trials in each parallel batch and counts failures against the budget", async () => {
    const s = await stack();
    const created = await s.sweeps.create({
      spec: spec({
        method: "bayes",
        budget: { runs: 16, parallel: 4 },
        space: { x: { uniform: [-2, 2] }, y: [-0.3, 0, 1] },
      }),
    });
    // Trials with x > 1.5 fail (NaN objective): they still count.
    const batches = await runToEnd(s, created.id, (p) => ((p.x as number) > 1.5 ? Number.NaN : quadratic(p)));
    for (const batch of batches) {
      const keys = batch.map((j) => JSON.stringify([j.config.x, j.config.y]));
      expect(new Set(keys).size).toBe(batch.length);
    }
    const done = await s.sweeps.get(created.id);
    expect(done.trials).toBe(16);
    expect(done.counts.finished + done.counts.failed).toBe(16);
  });

  it("ASHA prunes the trials below the top of a rung; their runs end pruned", async () => {
    const s = await stack();
    const created = await s.sweeps.create({
      spec: spec({
        objective: { metric: "acc", goal: "max" },
        budget: { runs: 4, parallel: 4 },
        early_stop: { method: "asha", min_steps: 1, reduction: 2 },
      }),
    });
    const jobs = await s.startQueued();
    expect(jobs).toHaveLength(4);
    const first = [0.9, 0.8, 0.2, 0.1];
    for (const [i, job] of jobs.entries()) await s.report(job, "acc", [{ step: 1, value: first[i] as number }]);
    await s.sweeps.controller.tickSweep(created.id);
    expect((await s.honourCancels("pruned")).sort()).toEqual([jobs[2]?.id, jobs[3]?.id].sort());
    // The survivors go on and finish; nothing is judged twice.
    for (const job of jobs.slice(0, 2)) await s.report(job, "acc", [{ step: 2, value: 0.95 }]);
    await s.sweeps.controller.tickSweep(created.id);
    expect(await s.honourCancels("pruned")).toEqual([]);
    for (const job of jobs.slice(0, 2)) await s.finish(job);
    await s.sweeps.controller.tickSweep(created.id);
    const done = await s.sweeps.get(created.id);
    expect(done).toMatchObject({ state: "finished", trials: 4 });
    expect(done.counts).toMatchObject({ finished: 2, pruned: 2 });
    const trials = await allTrials(s, created.id);
    const outcome = new Map(jobs.map((j, i) => [j.runId, i < 2 ? "finished" : "pruned"]));
    expect(trials.map((t) => t.status)).toEqual(trials.map((t) => outcome.get(t.runId)));
    const low = trials.find((t) => t.runId === jobs[2]?.runId);
    expect(low).toMatchObject({ status: "pruned", value: 0.2, step: 1 });
  });

  it("the median rule prunes a running trial worse than the others' median", async () => {
    const s = await stack();
    const created = await s.sweeps.create({
      spec: spec({
        objective: { metric: "loss", goal: "min" },
        budget: { runs: 4, parallel: 4 },
        early_stop: { method: "median", min_steps: 2, min_trials: 2 },
      }),
    });
    const jobs = await s.startQueued();
    const curves = [
      [1, 0.5],
      [1, 0.6],
      [1, 0.7],
      [3, 2.5],
    ];
    for (const [i, job] of jobs.entries()) {
      const c = curves[i] as number[];
      await s.report(
        job,
        "loss",
        c.map((value, k) => ({ step: k + 1, value })),
      );
    }
    await s.sweeps.controller.tickSweep(created.id);
    expect(await s.honourCancels("pruned")).toEqual([jobs[3]?.id]);
  });

  it("stops at the wall time: active trials are cancelled and the sweep finishes with the reason", async () => {
    const s = await stack();
    const created = await s.sweeps.create({ spec: spec({ budget: { runs: 6, parallel: 2, wall_time: "30s" } }) });
    const running = await s.startQueued();
    expect(running).toHaveLength(2);
    s.clock.advance(31_000);
    await s.sweeps.controller.tickSweep(created.id);
    const done = await s.sweeps.get(created.id);
    expect(done).toMatchObject({ state: "finished", reason: "wall time of 30s reached", trials: 2 });
    expect((await s.honourCancels("cancelled")).sort()).toEqual(running.map((j) => j.id).sort());
    expect((await s.sweeps.get(created.id)).counts.killed).toBe(2);
  });

  it("cancel stops proposing and cancels queued and running trials", async () => {
    const s = await stack();
    const created = await s.sweeps.create({ spec: spec({ budget: { runs: 6, parallel: 3 } }) });
    const [running] = await s.startQueued();
    const cancelled = await s.sweeps.cancel(created.id);
    expect(cancelled.state).toBe("cancelled");
    expect((await s.queue.get(running?.id as string)).cancelRequested).toBe(true);
    await s.sweeps.controller.tickSweep(created.id);
    expect((await s.sweeps.get(created.id)).trials).toBe(3);
    expect((await s.sweeps.cancel(created.id)).state).toBe("cancelled");
  });

  it("resumes after a restart on the same database without duplicate trial numbers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "looplab-sweep-"));
    try {
      const url = `sqlite:${join(dir, "db.sqlite")}`;
      const clock = manualClock();
      const before = await stack(url, clock);
      const created = await before.sweeps.create({ spec: spec({ budget: { runs: 7, parallel: 3 } }) });
      for (const job of await before.startQueued()) {
        await before.report(job, "loss", [{ step: 1, value: quadratic(job.config) }]);
        await before.finish(job);
      }
      await before.sweeps.controller.tickSweep(created.id);
      // A crash between reserving trial 7 and queueing it: the row is there, its job is not.
      await before.store.sweeps.insertTrial({
        sweepId: created.id,
        number: 7,
        params: { x: 0, y: 0 },
        jobId: null,
        runId: null,
        checkedStep: null,
        createdAt: clock.now(),
      });
      const beforeIds = (await allTrials(before, created.id)).map((t) => t.runId);
      await before.store.close();
      opened.splice(opened.indexOf(before.store), 1);

      const after = await stack(url, clock);
      await runToEnd(after, created.id);
      const trials = await allTrials(after, created.id);
      expect(trials.map((t) => t.number)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(trials.slice(0, 6).map((t) => t.runId)).toEqual(beforeIds);
      expect(trials[6]?.params).toEqual({ x: 0, y: 0 });
      const done = await after.sweeps.get(created.id);
      expect(done).toMatchObject({ state: "finished", trials: 7 });
      const { jobs } = await after.queue.list({ sweepId: created.id, limit: 100 });
      expect(jobs).toHaveLength(7);
      // Same seed, fresh controller: trials 4–6 are what an uninterrupted sweep proposes.
      const straight = await stack();
      const other = await straight.sweeps.create({ spec: spec({ budget: { runs: 6, parallel: 3 } }) });
      await runToEnd(straight, other.id);
      expect((await allTrials(straight, other.id)).map((t) => t.params)).toEqual(
        trials.slice(0, 6).map((t) => t.params),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("adopts a run queued by a tick that stopped before recording it", async () => {
    const s = await stack();
    const created = await s.sweeps.create({ spec: spec({ budget: { runs: 3, parallel: 1 } }) });
    await s.store.sweeps.insertTrial({
      sweepId: created.id,
      number: 2,
      params: { x: 1, y: 1 },
      jobId: null,
      runId: null,
      checkedStep: null,
      createdAt: s.clock.now(),
    });
    const [orphan] = await s.queue.enqueue({
      project: "sweeps",
      command: ["python", "train.py"],
      config: { x: 1, y: 1 },
      name: "quad-2",
      maxAttempts: 1,
      sweepId: created.id,
    });
    await s.sweeps.controller.tickSweep(created.id);
    const trials = await allTrials(s, created.id);
    expect(trials[1]).toMatchObject({ number: 2, jobId: orphan?.id, runId: orphan?.runId });
    expect((await s.queue.list({ sweepId: created.id, limit: 100 })).jobs).toHaveLength(2);
  });

  it("refuses a space that cannot be applied to the config, and unknown sweeps", async () => {
    const s = await stack();
    await expect(s.sweeps.create({ spec: spec({ space: { "lr.x": [1, 2] } }) })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(s.sweeps.get("f".repeat(32))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(s.sweeps.cancel("f".repeat(32))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
