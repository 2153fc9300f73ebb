import { failedPrecondition, type Job, notFound, type RunStatus } from "@looplab/core";
import type { JobCancelReason, JobOutcome, JobRecord } from "../ports/queue-repo.js";
import type { Store, StoreRepos } from "../ports/store.js";
import type { Clock } from "./clock.js";
import type { RunEvents } from "./event-bus.js";
import { handBack } from "./job-hand-back.js";
import type { JobViews } from "./job-views.js";
import type { QueueNotifier } from "./queue-notifier.js";

const runStatusOf: Record<JobOutcome, RunStatus> = {
  succeeded: "finished",
  failed: "failed",
  cancelled: "killed",
  pruned: "pruned",
};
const jobStateOf = { succeeded: "succeeded", failed: "failed", cancelled: "cancelled", pruned: "cancelled" } as const;

const isHeld = (job: JobRecord) => job.state === "leased" || job.state === "running";

async function lockJob(repos: StoreRepos, jobId: string): Promise<JobRecord> {
  const job = await repos.queue.getJob(jobId, { forUpdate: true });
  if (!job) throw notFound(`job '${jobId}' not found`, { jobId });
  return job;
}

function requireHolder(job: JobRecord, agentId: string): void {
  if (!isHeld(job)) {
    throw failedPrecondition(`job '${job.id}' is ${job.state}, not held by an agent`, { state: job.state });
  }
  if (job.agentId !== agentId) {
    throw failedPrecondition(`job '${job.id}' is held by another agent`, { agentId: job.agentId });
  }
}

/** The job state machine as the agents and people drive it (docs/queue.md). */
export function createJobLifecycle(
  store: Store,
  clock: Clock,
  views: JobViews,
  notifier: QueueNotifier,
  opts: { leaseTimeoutMs: number },
  events?: RunEvents,
) {
  /** Runs `fn` on the locked job; publishes the run's change and wakes claimers when asked. */
  async function change(
    jobId: string,
    fn: (job: JobRecord, repos: StoreRepos, now: number) => Promise<{ runChanged?: boolean; wake?: boolean }>,
  ): Promise<Job> {
    const now = clock.now();
    let job: JobRecord | undefined;
    const effects = await store.transaction(async (repos) => {
      job = await lockJob(repos, jobId);
      return await fn(job, repos, now);
    });
    if (effects.runChanged && job) events?.runChanged(job.runId, "status");
    if (effects.wake) notifier.wake();
    return await views.current(jobId);
  }

  return {
    /** The agent started the job's process: job and run become running (a crashed or ended run resumes). */
    start(
      jobId: string,
      input: { agentId: string; host: string; pid?: number | undefined; command?: string | undefined },
    ) {
      return change(jobId, async (job, repos, now) => {
        requireHolder(job, input.agentId);
        if (job.state === "running") return {};
        await repos.queue.updateJob(job.id, {
          state: "running",
          startedAt: now,
          leaseExpiresAt: now + opts.leaseTimeoutMs,
          updatedAt: now,
        });
        const run = await repos.runs.get(job.runId);
        await repos.runs.update(job.runId, {
          status: "running",
          startedAt: run?.startedAt ?? now,
          heartbeatAt: now,
          endedAt: null,
          updatedAt: now,
          host: input.host,
          ...(input.command !== undefined ? { command: input.command } : {}),
        });
        return { runChanged: true };
      });
    },

    /** The job's process ended. Repeating the same outcome changes nothing. */
    finish(
      jobId: string,
      input: { agentId: string; outcome: JobOutcome; exitCode?: number | null | undefined; error?: string | undefined },
    ) {
      return change(jobId, async (job, repos, now) => {
        // An agent that stops a job a sweep pruned may only say "cancelled": the stored reason decides.
        if (input.outcome === "cancelled" && job.cancelReason === "pruned") input = { ...input, outcome: "pruned" };
        if (job.state === "succeeded" || job.state === "failed" || job.state === "cancelled") {
          if (job.outcome === input.outcome && job.agentId === input.agentId) return {};
          throw failedPrecondition(`job '${job.id}' is already ${job.outcome ?? job.state}`, { state: job.state });
        }
        requireHolder(job, input.agentId);
        await repos.queue.updateJob(job.id, {
          state: jobStateOf[input.outcome],
          outcome: input.outcome,
          exitCode: input.exitCode ?? null,
          error: input.error ?? null,
          leaseExpiresAt: null,
          endedAt: now,
          updatedAt: now,
        });
        await repos.runs.update(job.runId, { status: runStatusOf[input.outcome], endedAt: now, updatedAt: now });
        return { runChanged: true, wake: true };
      });
    },

    /** A stopping agent hands the job back: queued again, this attempt not counted. */
    release(jobId: string, input: { agentId: string; reason?: string | undefined }) {
      return change(jobId, async (job, repos, now) => {
        if (job.state === "queued" && job.agentId === null) return {};
        requireHolder(job, input.agentId);
        await repos.queue.updateJob(job.id, handBack(job, now));
        return { wake: true };
      });
    },

    /** Cancels a queued job at once; asks the agent of a leased or running one to stop it. */
    cancel(jobId: string, reason: JobCancelReason = "cancelled") {
      return change(jobId, async (job, repos, now) => {
        if (job.state === "queued") {
          await repos.queue.updateJob(job.id, {
            state: "cancelled",
            outcome: reason,
            cancelReason: reason,
            endedAt: now,
            updatedAt: now,
          });
          await repos.runs.update(job.runId, { status: runStatusOf[reason], endedAt: now, updatedAt: now });
          return { runChanged: true };
        }
        if (isHeld(job)) {
          if (!job.cancelRequested || job.cancelReason !== reason) {
            await repos.queue.updateJob(job.id, { cancelRequested: true, cancelReason: reason, updatedAt: now });
          }
          return {};
        }
        throw failedPrecondition(`job '${job.id}' is already ${job.state}; it cannot be cancelled`, {
          state: job.state,
        });
      });
    },

    /** Puts a failed or cancelled job back in the queue with its attempts reset; the run resumes when it starts. */
    requeue(jobId: string) {
      return change(jobId, async (job, repos, now) => {
        if (job.state !== "failed" && job.state !== "cancelled") {
          throw failedPrecondition(`job '${job.id}' is ${job.state}; only failed or cancelled jobs can be requeued`, {
            state: job.state,
          });
        }
        await repos.queue.updateJob(job.id, {
          state: "queued",
          attempts: 0,
          cancelRequested: false,
          cancelReason: null,
          outcome: null,
          agentId: null,
          gpuIndices: [],
          leaseExpiresAt: null,
          exitCode: null,
          error: null,
          startedAt: null,
          endedAt: null,
          updatedAt: now,
        });
        return { wake: true };
      });
    },

    updatePriority(jobId: string, priority: number) {
      return change(jobId, async (job, repos, now) => {
        if (job.state !== "queued") {
          throw failedPrecondition(`job '${job.id}' is ${job.state}; only a queued job's priority can change`, {
            state: job.state,
          });
        }
        await repos.queue.updateJob(job.id, { priority, updatedAt: now });
        return { wake: true };
      });
    },

    /**
     * Re-queues jobs whose lease expired (attempt counted; at the limit the job fails) and marks
     * their started runs crashed until an agent starts them again. Returns how many jobs expired.
     */
    async expireLeases(batch = 100): Promise<{ requeued: string[]; failed: string[] }> {
      const out = { requeued: [] as string[], failed: [] as string[] };
      for (;;) {
        const now = clock.now();
        const changedRuns: string[] = [];
        const expired = await store.transaction(async (repos) => {
          const result = await repos.queue.expireLeases(now, batch);
          for (const job of [...result.requeued, ...result.failed]) {
            const run = await repos.runs.get(job.runId);
            const failedJob = job.state === "failed";
            if (!run || (run.status !== "running" && !(failedJob && run.status === "queued"))) continue;
            await repos.runs.update(job.runId, { status: "crashed", endedAt: now, updatedAt: now });
            changedRuns.push(job.runId);
          }
          return result;
        });
        for (const runId of changedRuns) events?.runChanged(runId, "crashed");
        out.requeued.push(...expired.requeued.map((j) => j.id));
        out.failed.push(...expired.failed.map((j) => j.id));
        if (expired.requeued.length + expired.failed.length > 0) notifier.wake();
        if (expired.requeued.length + expired.failed.length < batch) return out;
      }
    },
  };
}
