/**
 * The agent: registers with the server, renews its leases with heartbeats (acting on
 * cancellations and lost leases), long-polls for a job whenever a GPU or CPU slot is free,
 * runs each job in its own process group, and logs system metrics of its jobs. Network errors
 * are retried; the agent outlives server restarts. `stop("drain")` stops claiming and lets
 * running jobs finish; `stop("handback")` stops the jobs and hands them back to the queue.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Gpu, Job } from "@looplab/core";
import { createClient, type FetchLike, isLooplabError, Looplab } from "@looplab/sdk";
import { type Logger, pino } from "pino";
import type { AgentSettings, StopMode } from "./agent-options.js";
import { sleep } from "./backoff.js";
import { createGpuProbe } from "./gpu-probe.js";
import type { JobExecutor } from "./job-executor.js";
import { createJobRunner } from "./job-runner.js";
import { type SupervisedJob, superviseJob } from "./job-supervisor.js";
import { createLocalProcessExecutor } from "./local-process-executor.js";
import { createServerCalls } from "./server-calls.js";
import { createSlotAllocator, defaultCpuSlots, selectGpus } from "./slot-allocator.js";

export interface StartAgentOptions extends Partial<Omit<AgentSettings, "url">> {
  url: string;
  logger?: Logger;
  fetch?: FetchLike;
  /** Environment the jobs inherit (default the agent's). */
  env?: NodeJS.ProcessEnv;
  /** Where jobs' config files and checkpoints go (default a fresh temporary folder). */
  workDir?: string;
  /** Long-poll wait of one claim, ms (default 20 000). */
  claimWaitMs?: number;
  host?: string;
  executor?: JobExecutor;
  now?: () => number;
}

export interface AgentHandle {
  /** Resolves when the agent has stopped (deregistered, every job ended or handed back). */
  readonly done: Promise<void>;
  /** The server's id for this agent once registered. */
  readonly agentId: string | null;
  /** Ids of the jobs running now. */
  runningJobs(): string[];
  /** `drain` (default: the settings' onStop): no new jobs, running ones finish. `handback`: stop and release them. */
  stop(mode?: StopMode): Promise<void>;
}

export function startAgent(options: StartAgentOptions): AgentHandle {
  const logger = options.logger ?? pino({ level: "silent" });
  const now = options.now ?? Date.now;
  const host = options.host ?? hostname();
  const graceMs = options.graceMs ?? 30_000;
  const client = createClient({ url: options.url, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const calls = createServerCalls(client, logger);
  const probe = createGpuProbe({
    nvidiaSmiPath: options.nvidiaSmiPath ?? "nvidia-smi",
    logger,
    ...(options.env ? { env: options.env } : {}),
  });
  const sdk = new Looplab({
    url: options.url,
    exitHooks: false,
    spool: false,
    replayOnInit: false,
    captureGit: false,
    uploadSessionsDir: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const jobs = new Map<string, SupervisedJob>();
  const stopping = new AbortController();
  const giveUp = new AbortController();
  let handingBack = false;
  let agentId: string | null = null;
  let claimInFlight = false;
  let wake: (() => void) | null = null;
  const wakeClaimLoop = () => {
    wake?.();
    wake = null;
  };
  const waitForWake = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      void sleep(ms, stopping.signal).then(resolve);
    });

  const main = async () => {
    const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), "looplab-agent-")));
    const probed = await probe.probe();
    const selection = selectGpus(options.gpus ?? { kind: "auto" }, probed);
    if (selection.missing.length > 0)
      logger.warn({ missing: selection.missing }, "--gpus names GPUs that do not exist");
    const cpuSlots = options.cpus ?? defaultCpuSlots(selection.gpus.length, availableParallelism());
    const slots = createSlotAllocator({
      gpuIndices: selection.gpus.map((g) => g.index),
      cpuSlots,
      busyThreshold: options.gpuBusyThreshold ?? 0.5,
    });
    slots.updateReadings(probed);
    if (slots.gpuIndices.length === 0 && cpuSlots === 0) {
      logger.warn("this agent offers no GPU and no CPU slot: it will take no job (see --gpus and --cpus)");
    }
    const offered = (gpus: readonly Gpu[]) => gpus.filter((g) => slots.gpuIndices.includes(g.index));

    const registration = await calls
      .register(
        { name: options.name ?? host, host, queues: options.queues ?? ["default"], gpus: offered(probed), cpuSlots },
        { signal: stopping.signal },
      )
      .catch((error) => {
        if (stopping.signal.aborted) return null;
        throw error;
      });
    if (registration === null) return;
    agentId = registration.agent.id;
    const heartbeatMs = registration.heartbeatIntervalMs;
    logger.info(
      { agentId, gpus: slots.gpuIndices, cpuSlots, queues: registration.agent.queues, heartbeatMs },
      "agent registered",
    );
    const runner = createJobRunner({
      client,
      executor: options.executor ?? createLocalProcessExecutor(),
      serverUrl: options.url,
      workDir,
      logger,
      env: options.env ?? process.env,
      now,
      downloadCheckpoint: async (runId, dir) => (await sdk.latestCheckpoint(runId, { dir }))?.path ?? null,
    });
    const context = {
      agentId: () => agentId as string,
      host,
      calls,
      runner,
      slots,
      graceMs,
      logger,
      giveUp: giveUp.signal,
      now,
    };

    const launch = (job: Job) => {
      try {
        const supervised = superviseJob(context, job);
        jobs.set(job.id, supervised);
        void supervised.settled.then(() => {
          jobs.delete(job.id);
          wakeClaimLoop();
        });
        if (handingBack) supervised.handBack();
      } catch (error) {
        logger.error(
          { err: error, jobId: job.id },
          "claimed job does not fit this agent's free slots; handing it back",
        );
        void calls
          .release(
            job.id,
            { agentId: agentId as string, reason: `agent could not take it: ${(error as Error).message}` },
            { signal: giveUp.signal },
          )
          .catch((e) => logger.error({ err: e }, "handing the job back failed"));
      }
    };

    // Fresh GPU readings, one nvidia-smi at a time; heartbeats send the latest ones without
    // waiting for nvidia-smi (a sick driver can make it hang for seconds).
    let latestGpus = offered(probed);
    let probing: Promise<Gpu[]> | null = null;
    const refreshReadings = (): Promise<Gpu[]> => {
      probing ??= probe
        .probe()
        .then((gpus) => {
          latestGpus = offered(gpus);
          slots.updateReadings(latestGpus);
          return latestGpus;
        })
        .finally(() => {
          probing = null;
        });
      return probing;
    };

    const heartbeat = async () => {
      const gpus = latestGpus;
      if (slots.gpuIndices.length > 0) void refreshReadings();
      try {
        const result = await calls.heartbeat(agentId as string, {
          ...(gpus.length > 0 ? { gpus } : {}),
          ...(stopping.signal.aborted ? { draining: true } : {}),
        });
        for (const entry of result.jobs) {
          const local = jobs.get(entry.jobId);
          if (local && entry.cancelRequested) local.cancel(entry.cancelReason ?? "cancelled");
          if (!local && !claimInFlight) {
            logger.warn({ jobId: entry.jobId }, "server says this agent holds a job it does not run; handing it back");
            void calls
              .release(
                entry.jobId,
                { agentId: agentId as string, reason: "not running on its agent" },
                { maxAttempts: 1 },
              )
              .catch(() => {});
          }
        }
        for (const jobId of result.lost) jobs.get(jobId)?.lose();
      } catch (error) {
        if (isLooplabError(error) && error.code === "NOT_FOUND" && !stopping.signal.aborted) {
          logger.warn("the server no longer knows this agent; registering again");
          const again = await calls
            .register(
              { name: options.name ?? host, host, queues: options.queues ?? ["default"], gpus, cpuSlots },
              { maxAttempts: 1 },
            )
            .catch(() => null);
          if (again) agentId = again.agent.id;
        } else {
          logger.warn({ err: error }, "heartbeat failed");
        }
      }
    };

    const heartbeatLoop = (async () => {
      // Beats at a fixed rate: the time a beat takes (nvidia-smi, the request) is not added to the wait.
      let last = Date.now();
      while (!giveUp.signal.aborted) {
        await sleep(Math.max(0, last + heartbeatMs - Date.now()), giveUp.signal);
        if (giveUp.signal.aborted) break;
        last = Date.now();
        await heartbeat();
      }
    })();

    const systemLoop = (async () => {
      const interval = options.systemIntervalMs ?? 10_000;
      while (!giveUp.signal.aborted) {
        await sleep(interval, giveUp.signal);
        if (giveUp.signal.aborted || jobs.size === 0) continue;
        const gpus = slots.gpuIndices.length > 0 ? await refreshReadings() : [];
        await Promise.all([...jobs.values()].map((j) => j.sampleSystem(gpus).catch(() => {})));
      }
    })();

    // Claim whenever something is free, until told to stop.
    let failures = 0;
    while (!stopping.signal.aborted) {
      if (slots.gpuIndices.length > 0) await refreshReadings();
      const free = slots.free();
      if (free.freeGpus.length === 0 && free.freeCpuSlots === 0) {
        await waitForWake(Math.max(1000, heartbeatMs));
        continue;
      }
      claimInFlight = true;
      try {
        const { job } = await calls.claim(
          agentId,
          { freeGpus: free.freeGpus, freeCpuSlots: free.freeCpuSlots, waitMs: options.claimWaitMs ?? 20_000 },
          stopping.signal,
        );
        failures = 0;
        if (job) launch(job);
      } catch (error) {
        if (stopping.signal.aborted) break;
        failures++;
        if (failures === 1 || failures % 20 === 0) logger.warn({ err: error, failures }, "claiming a job failed");
        await sleep(Math.min(5000, 250 * 2 ** Math.min(failures, 5)), stopping.signal);
      } finally {
        claimInFlight = false;
      }
    }

    // Stopping: running jobs finish (drain) or are handed back; then leave.
    logger.info({ running: jobs.size, handingBack }, "agent stopping");
    const drainingBeat = heartbeat();
    while (jobs.size > 0) await Promise.all([...jobs.values()].map((j) => j.settled));
    await drainingBeat;
    await calls
      .deregister(agentId, { maxAttempts: 5 })
      .catch((error) => logger.warn({ err: error }, "deregistering failed"));
    giveUp.abort();
    await Promise.all([heartbeatLoop, systemLoop]);
    if (options.workDir === undefined) await rm(workDir, { recursive: true, force: true }).catch(() => {});
    logger.info({ agentId }, "agent stopped");
  };

  const done = main().catch((error) => {
    logger.error({ err: error }, "agent failed");
    giveUp.abort();
    throw error;
  });

  return {
    done,
    get agentId() {
      return agentId;
    },
    runningJobs: () => [...jobs.keys()],
    async stop(mode = options.onStop ?? "drain") {
      if (mode === "handback" && !handingBack) {
        handingBack = true;
        for (const job of jobs.values()) job.handBack();
      }
      if (!stopping.signal.aborted) {
        logger.info({ mode }, "stop requested");
        stopping.abort();
        wakeClaimLoop();
      }
      await done.catch(() => {});
    },
  };
}
