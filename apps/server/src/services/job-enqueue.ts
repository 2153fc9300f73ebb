import {
  CommandSyntaxError,
  checkCommandPlaceholders,
  enqueueJobsBody,
  expandOverrides,
  invalidArgument,
  type Job,
  splitCommand,
} from "@looplab/core";
import type { z } from "zod";
import type { JobRecord } from "../ports/queue-repo.js";
import type { RunRecord, Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import type { RunEvents } from "./event-bus.js";
import { newId } from "./ids.js";
import type { JobViews } from "./job-views.js";
import type { ProjectService } from "./project-service.js";
import type { QueueNotifier } from "./queue-notifier.js";

/** What `enqueue` accepts: the HTTP body, plus (service callers only) the sweep the jobs belong to. */
export type EnqueueInput = z.input<typeof enqueueJobsBody> & { sweepId?: string | null | undefined };

const plainArgument = /^[A-Za-z0-9_\-.,/:=@%+^]+$/;

/** The argv as one line for display (the run's `command`), single-quoting what a shell would split. */
export function commandLine(argv: readonly string[]): string {
  return argv.map((a) => (plainArgument.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(" ");
}

function toArgv(command: string | string[]): string[] {
  if (Array.isArray(command)) return command;
  try {
    return splitCommand(command);
  } catch (error) {
    if (error instanceof CommandSyntaxError) throw invalidArgument(`command: ${error.message}`, { field: "command" });
    throw error;
  }
}

/**
 * Queues a command: one queued run and one job per combination of the overrides (a comma list is a
 * grid axis), all in one transaction, with the project created if missing.
 */
export function createJobEnqueue(
  store: Store,
  projects: ProjectService,
  clock: Clock,
  views: JobViews,
  notifier: QueueNotifier,
  events?: RunEvents,
) {
  return async function enqueue(input: EnqueueInput): Promise<Job[]> {
    const { sweepId = null, ...rest } = input;
    const body = enqueueJobsBody.parse(rest);
    const argv = toArgv(body.command);
    const configs = expandOverrides(body.config, body.overrides);
    for (const config of configs) checkCommandPlaceholders(argv, config);
    const project = await projects.ensure(body.project);
    const now = clock.now();
    const text = commandLine(argv);
    const runs: RunRecord[] = [];
    const jobs: JobRecord[] = configs.map((config, index) => {
      const runId = newId();
      const name = body.name
        ? configs.length === 1
          ? body.name
          : `${body.name}-${index + 1}`
        : `run-${runId.slice(0, 8)}`;
      runs.push({
        id: runId,
        projectId: project.id,
        name,
        status: "queued",
        origin: "queue",
        group: body.group ?? null,
        tags: body.tags ?? {},
        notes: "",
        config,
        createdAt: now,
        startedAt: null,
        endedAt: null,
        heartbeatAt: null,
        updatedAt: now,
        deletedAt: null,
        host: null,
        command: text,
        git: null,
        environment: null,
        parentRunId: null,
        resumedFrom: null,
      });
      return {
        id: newId(),
        runId,
        projectId: project.id,
        queue: body.queue,
        command: argv,
        config,
        gpus: body.resources.gpus,
        cpus: body.resources.cpus,
        priority: body.priority,
        seq: index,
        state: "queued",
        attempts: 0,
        maxAttempts: body.maxAttempts,
        cancelRequested: false,
        cancelReason: null,
        outcome: null,
        agentId: null,
        lostAgentId: null,
        gpuIndices: [],
        leaseExpiresAt: null,
        exitCode: null,
        error: null,
        sweepId,
        createdAt: now,
        updatedAt: now,
        startedAt: null,
        endedAt: null,
      };
    });
    await store.transaction(async (repos) => {
      await repos.queue.ensureQueue(body.queue);
      for (const run of runs) await repos.runs.create(run);
      await repos.queue.insertJobs(jobs);
    });
    for (const run of runs) events?.runChanged(run, "created");
    notifier.wake();
    return await views.views(jobs);
  };
}
