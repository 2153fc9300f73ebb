/**
 * The server-side sweep controller. Each tick, for every running sweep it can claim (a lease on
 * the sweep row, so two server processes never tick one sweep at once): read the trials and what
 * their runs reported, prune running trials early stopping rejects, end the sweep when its budget
 * is spent or its wall time is up, and propose new trials up to `budget.parallel` active ones.
 * Every decision is a function of the database (trial n draws from the random stream of
 * (seed, n)), so a restarted controller continues the same sweep.
 */
import {
  applyAssignments,
  createSweepSampler,
  isLooplabError,
  type ResolvedSweep,
  resolveSweepSpec,
  type TrialPoint,
} from "@looplab/core";
import type { Store } from "../ports/store.js";
import type { SweepRecord, SweepTrialRecord } from "../ports/sweep-repo.js";
import type { Clock } from "./clock.js";
import { newId } from "./ids.js";
import {
  describeDuration,
  isActiveStatus,
  proposalCount,
  pruneChecks,
  samplerHistory,
  type TrialObservation,
} from "./sweep-decisions.js";
import type { SweepQueue } from "./sweep-queue.js";
import { loadTrialStates, type TrialState } from "./sweep-views.js";

/** Points of the early-stopping metric read per trial and tick (the newest are judged). */
const MAX_POINTS_PER_TRIAL = 5000;
/**
 * Attempts count only leases lost with their agent (a program that fails ends its job at once),
 * so a trial whose machine vanished goes back to the queue and resumes on its run, as any job.
 */
export const TRIAL_MAX_ATTEMPTS = 3;
const LEASE_MS = 15_000;

export interface SweepControllerOptions {
  /** Reports errors of background ticks (a tick never throws to its timer). */
  onError?: (error: unknown, sweepId: string) => void;
}

export type SweepController = ReturnType<typeof createSweepController>;

export function createSweepController(
  store: Store,
  queue: SweepQueue,
  clock: Clock,
  options: SweepControllerOptions = {},
) {
  const owner = newId();
  const busy = new Set<string>();

  async function readPoints(runId: string, key: string): Promise<TrialPoint[]> {
    const page = await store.metrics.readPoints(runId, key, { limit: MAX_POINTS_PER_TRIAL });
    return (page?.points ?? []).map((p) => ({ step: p.step, value: p.value }));
  }

  async function observe(resolved: ResolvedSweep, states: TrialState[]): Promise<TrialObservation[]> {
    const rule = resolved.earlyStop;
    const wantPoints = rule !== null && states.some((s) => s.status === "running");
    return Promise.all(
      states.map(async (s) => ({
        number: s.trial.number,
        params: s.trial.params,
        status: s.status,
        value: s.value,
        checkedStep: s.trial.checkedStep,
        points: wantPoints && rule && s.trial.runId ? await readPoints(s.trial.runId, rule.metric) : [],
      })),
    );
  }

  async function cancelJob(jobId: string | null, reason: "cancelled" | "pruned"): Promise<void> {
    if (!jobId) return;
    try {
      await queue.cancel(jobId, reason);
    } catch (error) {
      // A job that ended meanwhile cannot be cancelled: nothing left to do.
      if (!isLooplabError(error) || (error.code !== "FAILED_PRECONDITION" && error.code !== "NOT_FOUND")) throw error;
    }
  }

  /** Queues the run of a reserved trial, or adopts the one a crashed tick queued before recording it. */
  async function queueTrial(
    sweep: SweepRecord,
    resolved: ResolvedSweep,
    trial: SweepTrialRecord,
    repair: boolean,
  ): Promise<void> {
    const name = `${sweep.name}-${trial.number}`;
    if (repair) {
      const { jobs } = await queue.list({ sweepId: sweep.id, limit: 1000 });
      const runs = await store.runs.getMany(jobs.map((j) => j.runId));
      const run = runs.find((r) => r.name === name);
      const job = run && jobs.find((j) => j.runId === run.id);
      if (job) {
        await store.sweeps.setTrialJob(sweep.id, trial.number, job.id, job.runId);
        return;
      }
    }
    const { spec } = resolved;
    const [job] = await queue.enqueue({
      project: spec.project,
      command: resolved.argv,
      config: applyAssignments(spec.config, trial.params),
      overrides: [],
      queue: spec.queue ?? "default",
      resources: { gpus: spec.resources.gpus, cpus: spec.resources.cpus ?? 1 },
      priority: 0,
      maxAttempts: TRIAL_MAX_ATTEMPTS,
      name,
      tags: { sweep: sweep.id },
      sweepId: sweep.id,
    });
    if (!job) throw new Error(`queueing trial ${trial.number} of sweep ${sweep.id} returned no job`);
    await store.sweeps.setTrialJob(sweep.id, trial.number, job.id, job.runId);
  }

  async function tickClaimed(sweep: SweepRecord): Promise<void> {
    const resolved = resolveSweepSpec(sweep.spec);
    const { spec } = resolved;
    const trials = await store.sweeps.listTrials(sweep.id);
    const states = await loadTrialStates(store, trials, spec.objective);
    const now = clock.now();

    if (resolved.wallTimeMs !== null && now - sweep.createdAt >= resolved.wallTimeMs) {
      await cancelActive(sweep);
      await store.sweeps.end(
        sweep.id,
        "finished",
        `wall time of ${describeDuration(resolved.wallTimeMs)} reached`,
        now,
      );
      return;
    }

    // A tick that stopped between reserving a trial and queueing its run finishes the job now.
    for (const s of states) if (s.trial.jobId === null) await queueTrial(sweep, resolved, s.trial, true);

    const observed = await observe(resolved, states);
    if (resolved.earlyStop) {
      for (const check of pruneChecks(resolved.earlyStop, observed)) {
        const trial = trials.find((t) => t.number === check.number);
        if (check.prune && trial) await cancelJob(trial.jobId, "pruned");
        await store.sweeps.setCheckedStep(sweep.id, check.number, check.checkedStep);
      }
    }

    const wanted = proposalCount(observed, spec.budget);
    const proposals = wanted > 0 ? createSweepSampler(resolved).propose(samplerHistory(observed), wanted) : [];
    for (const proposal of proposals) {
      const trial: SweepTrialRecord = {
        sweepId: sweep.id,
        number: proposal.index + 1,
        params: proposal.params,
        jobId: null,
        runId: null,
        checkedStep: null,
        createdAt: clock.now(),
      };
      if (!(await store.sweeps.insertTrial(trial))) return; // another controller got there first
      await queueTrial(sweep, resolved, trial, false);
    }

    const active = observed.filter((t) => isActiveStatus(t.status)).length + proposals.length;
    const total = observed.length + proposals.length;
    if (active > 0) return;
    if (total >= spec.budget.runs) {
      await store.sweeps.end(sweep.id, "finished", null, clock.now());
    } else if (wanted > 0 && proposals.length < wanted) {
      await store.sweeps.end(sweep.id, "finished", `grid exhausted after ${total} trials`, clock.now());
    }
  }

  /** One tick of one sweep; false when another tick (here or in another process) holds it. */
  async function tickSweep(id: string): Promise<boolean> {
    if (busy.has(id)) return false;
    busy.add(id);
    try {
      if (!(await store.sweeps.claim(id, owner, clock.now(), LEASE_MS))) return false;
      try {
        const sweep = await store.sweeps.get(id);
        if (sweep?.state === "running") await tickClaimed(sweep);
      } finally {
        await store.sweeps.release(id, owner);
      }
      return true;
    } finally {
      busy.delete(id);
    }
  }

  /**
   * Runs `fn` holding the sweep's lease (waiting up to `waitMs` for a tick to let go), so nothing
   * is proposed meanwhile. Runs it anyway when the wait is over (a lease left by a dead process).
   */
  async function exclusive<T>(id: string, fn: () => Promise<T>, waitMs = 5000): Promise<T> {
    const deadline = Date.now() + waitMs;
    let held = false;
    while (!held && Date.now() < deadline) {
      if (!busy.has(id)) {
        busy.add(id);
        held = await store.sweeps.claim(id, owner, clock.now(), LEASE_MS).catch(() => false);
        if (!held) busy.delete(id);
      }
      if (!held) await new Promise((r) => setTimeout(r, 25));
    }
    try {
      return await fn();
    } finally {
      if (held) {
        busy.delete(id);
        await store.sweeps.release(id, owner);
      }
    }
  }

  /** Cancels the jobs of a sweep's queued and running trials. */
  async function cancelActive(sweep: SweepRecord): Promise<void> {
    const resolved = resolveSweepSpec(sweep.spec);
    const states = await loadTrialStates(store, await store.sweeps.listTrials(sweep.id), resolved.spec.objective);
    for (const s of states) if (isActiveStatus(s.status)) await cancelJob(s.trial.jobId, "cancelled");
  }

  async function tickAll(onError = options.onError): Promise<void> {
    for (const id of await store.sweeps.listRunning(1000)) {
      try {
        await tickSweep(id);
      } catch (error) {
        onError?.(error, id);
      }
    }
  }

  return {
    tickSweep,
    exclusive,
    cancelActive,
    tickAll,
    /** Ticks every `intervalMs` until the returned function is called (which waits for the tick). */
    start(intervalMs: number, onError = options.onError): () => Promise<void> {
      let current: Promise<void> = Promise.resolve();
      let stopped = false;
      let pending = false;
      const timer = setInterval(() => {
        if (stopped || pending) return;
        pending = true;
        current = current
          .then(() => tickAll(onError))
          .catch((error) => onError?.(error, ""))
          .finally(() => {
            pending = false;
          });
      }, intervalMs);
      timer.unref();
      return async () => {
        stopped = true;
        clearInterval(timer);
        await current;
      };
    },
  };
}
