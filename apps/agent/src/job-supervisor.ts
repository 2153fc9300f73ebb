/**
 * One claimed job on this agent, from its claim to its end: takes its slots, starts it, tells
 * the server, reacts to cancellation (SIGTERM, SIGKILL after the grace period), to a lost
 * lease (killed, not finished: it runs elsewhere now) and to a hand-back (stopped, released),
 * then reports how it ended and frees its slots.
 */
import type { Gpu, Job } from "@looplab/core";
import type { Logger } from "pino";
import type { JobResult, JobRunner, StartedJob } from "./job-runner.js";
import type { ServerCalls } from "./server-calls.js";
import type { SlotAllocator } from "./slot-allocator.js";
import { createJobSampler } from "./system-metrics.js";

/** How long a job whose lease was lost gets between SIGTERM and SIGKILL. */
const LOST_GRACE_MS = 2_000;

export interface SupervisorContext {
  agentId: () => string;
  host: string;
  calls: ServerCalls;
  runner: JobRunner;
  slots: SlotAllocator;
  graceMs: number;
  logger: Logger;
  /** Aborted when the agent gives up on the server (end of shutdown). */
  giveUp: AbortSignal;
  now: () => number;
}

export interface SupervisedJob {
  readonly job: Job;
  readonly gpuIndices: readonly number[];
  /** Resolves once the job has ended and the server was told (or given up on). */
  readonly settled: Promise<void>;
  /** The server asked to stop it: SIGTERM, SIGKILL after the grace period, finished as cancelled (or pruned). */
  cancel(reason?: "cancelled" | "pruned"): void;
  /** The lease is gone (re-queued elsewhere): kill it and do not report its end. */
  lose(): void;
  /** The agent stops: SIGTERM, SIGKILL after the grace period, then released to the queue. */
  handBack(): void;
  /** Logs the job's CPU, memory and GPU readings as system metrics of its run. */
  sampleSystem(gpus: readonly Gpu[]): Promise<void>;
}

export function superviseJob(ctx: SupervisorContext, job: Job): SupervisedJob {
  const logger = ctx.logger.child({ jobId: job.id, runId: job.runId });
  const assignment = ctx.slots.assign(job.id, job.gpuIndices, job.resources.cpus);
  let fate: "run" | "cancel" | "lost" | "handback" = "run";
  let started: StartedJob | null = null;
  let sampler: ReturnType<typeof createJobSampler> | null = null;
  let cancelReason: "cancelled" | "pruned" = "cancelled";
  const scope = { signal: ctx.giveUp };

  const stopProcess = (graceMs: number) => {
    if (started) void started.process.terminate(graceMs);
  };

  const report = async (result: JobResult) => {
    const agentId = ctx.agentId();
    if (fate === "lost") {
      logger.warn("job's lease was lost; its end is not reported");
      return;
    }
    if (fate === "handback") {
      await ctx.calls.release(job.id, { agentId, reason: "agent stopped" }, scope);
      logger.info("job handed back to the queue");
      return;
    }
    if (fate === "cancel") {
      await ctx.calls.finish(
        job.id,
        { agentId, outcome: cancelReason, exitCode: result.exitCode, error: cancelReason },
        scope,
      );
      logger.info({ reason: cancelReason }, "job stopped on request");
      return;
    }
    await ctx.calls.finish(
      job.id,
      {
        agentId,
        outcome: result.outcome,
        exitCode: result.exitCode,
        ...(result.error === undefined ? {} : { error: result.error }),
      },
      scope,
    );
  };

  const settled = (async () => {
    try {
      const start = await ctx.runner.start(job, assignment.gpuIndices);
      if (!start.ok) {
        logger.warn({ error: start.result.error }, "job could not start");
        await report(start.result);
        return;
      }
      started = start.job;
      sampler = createJobSampler(started.pid, started.startedAt);
      void started.process.exited.then(() => {
        sampler = null;
      });
      logger.info({ pid: started.pid, gpus: assignment.gpuIndices, command: started.commandLine }, "job started");
      if (fate !== "run") stopProcess(fate === "lost" ? LOST_GRACE_MS : ctx.graceMs);
      ctx.calls
        .start(
          job.id,
          { agentId: ctx.agentId(), host: ctx.host, pid: started.pid, command: started.commandLine },
          scope,
        )
        .catch((error) => logger.warn({ err: error }, "the server did not take the job's start"));
      const result = await started.result;
      await report(result);
    } catch (error) {
      logger.error({ err: error }, "reporting the job's end failed");
    } finally {
      ctx.slots.release(job.id);
    }
  })();

  return {
    job,
    gpuIndices: assignment.gpuIndices,
    settled,
    cancel(reason = "cancelled") {
      if (fate !== "run") return;
      fate = "cancel";
      cancelReason = reason;
      logger.info({ graceMs: ctx.graceMs }, "cancel requested: stopping the job");
      started?.output.note(`${reason}: SIGTERM, SIGKILL after ${ctx.graceMs} ms`);
      stopProcess(ctx.graceMs);
    },
    lose() {
      if (fate === "lost") return;
      fate = "lost";
      logger.warn("lease lost: killing the job");
      stopProcess(LOST_GRACE_MS);
    },
    handBack() {
      if (fate !== "run") return;
      fate = "handback";
      started?.output.note("agent stopping: job handed back to the queue");
      stopProcess(ctx.graceMs);
    },
    async sampleSystem(gpus) {
      if (!started || !sampler) return;
      // In CUDA_VISIBLE_DEVICES order, so metric names follow the job's own cuda:0, cuda:1…
      const mine = assignment.gpuIndices.flatMap((i) => gpus.filter((g) => g.index === i));
      const { step, values } = await sampler.sample(ctx.now(), mine);
      if (Object.keys(values).length > 0) started.output.metrics(step, values);
    },
  };
}
