// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} placeholders are literal text here
import { type Agent, type Job, jobStates, queueIdSchema, queueNameSchema } from "@looplab/core";
import { type Command, InvalidArgumentError } from "commander";
import { exitCodes } from "../exit-codes.js";
import { type CliContext, CliError } from "./api-client.js";
import { formatDuration, oneLine, renderTable, writeJson, writeMessage, writeOut } from "./output.js";

/**
 * The queue from the command line (docs/queue.md): `looplab run … -- CMD`, `looplab queue ls|limit`,
 * `looplab jobs cancel|requeue|priority`, `looplab agents ls`.
 */

const LIST_PAGE = 1000;

function parseWhole(min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
    return n;
  };
}

function parseInteger(text: string): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError("expected a whole number");
  return n;
}

function parseJobId(text: string): string {
  if (!queueIdSchema.safeParse(text).success) {
    throw new InvalidArgumentError("a job id is 32 lowercase hex characters (see `looplab queue ls`)");
  }
  return text;
}

function parseQueueName(text: string): string {
  if (!queueNameSchema.safeParse(text).success) {
    throw new InvalidArgumentError(
      "a queue name is letters, digits, '.', '_' and '-', starting with a letter or digit",
    );
  }
  return text;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function jobRows(jobs: Job[], now: number): string[][] {
  return jobs.map((j) => [
    j.id,
    j.state + (j.cancelRequested && (j.state === "leased" || j.state === "running") ? " (cancelling)" : ""),
    j.queue,
    String(j.priority),
    j.resources.gpus > 0 ? `${j.resources.gpus} gpu` : `${j.resources.cpus} cpu`,
    `${j.attempts}/${j.maxAttempts}`,
    j.agentId ? j.agentId.slice(0, 8) : "",
    j.project,
    formatDuration(now - j.createdAt),
    oneLine(j.command.join(" "), 40),
  ]);
}
const jobHead = ["JOB", "STATE", "QUEUE", "PRIO", "NEEDS", "TRIES", "AGENT", "PROJECT", "AGE", "COMMAND"];

interface RunOptions {
  project?: string;
  queue: string;
  gpus: number;
  cpus: number;
  priority: number;
  maxAttempts: number;
  name?: string;
  group?: string;
  set: string[];
  json?: boolean;
}

async function queueRun(ctx: CliContext, command: Command, argv: string[], opts: RunOptions): Promise<void> {
  const project = opts.project ?? ctx.io.env.LOOPLAB_PROJECT;
  if (!project) throw new CliError("run: --project is required (or set LOOPLAB_PROJECT)", exitCodes.usage);
  const { jobs } = await ctx.client(command).call("enqueueJobs", {
    body: {
      project,
      command: argv,
      overrides: opts.set,
      queue: opts.queue,
      resources: { gpus: opts.gpus, cpus: opts.cpus },
      priority: opts.priority,
      maxAttempts: opts.maxAttempts,
      ...(opts.name !== undefined ? { name: opts.name } : {}),
      ...(opts.group !== undefined ? { group: opts.group } : {}),
    },
  });
  if (opts.json) {
    await writeJson(ctx.io, jobs);
    return;
  }
  await writeOut(
    ctx.io,
    renderTable(
      ["JOB", "RUN", "CONFIG"],
      jobs.map((j) => [j.id, j.runId, oneLine(JSON.stringify(j.config), 60)]),
    ),
  );
  writeMessage(ctx.io, `queued ${jobs.length} job${jobs.length === 1 ? "" : "s"} on queue '${opts.queue}'`);
}

async function listQueue(
  ctx: CliContext,
  command: Command,
  opts: { queue?: string; state?: string; project?: string; limit: number; json?: boolean },
): Promise<void> {
  const client = ctx.client(command);
  const jobs: Job[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.call("listJobs", {
      query: {
        ...(opts.queue !== undefined ? { queue: opts.queue } : {}),
        ...(opts.state !== undefined ? { state: opts.state } : {}),
        ...(opts.project !== undefined ? { project: opts.project } : {}),
        limit: Math.min(LIST_PAGE, opts.limit - jobs.length),
        ...(pageToken ? { pageToken } : {}),
      },
    });
    jobs.push(...page.jobs);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined && jobs.length < opts.limit);
  const { queues } = await client.call("listQueues", {});
  const shown = opts.queue === undefined ? queues : queues.filter((q) => q.name === opts.queue);
  if (opts.json) {
    await writeJson(ctx.io, { jobs, queues: shown });
    return;
  }
  if (jobs.length === 0) writeMessage(ctx.io, "no jobs match");
  else await writeOut(ctx.io, renderTable(jobHead, jobRows(jobs, ctx.io.now())));
  if (shown.length > 0) {
    await writeOut(ctx.io, "\n");
    await writeOut(
      ctx.io,
      renderTable(
        ["QUEUE", "LIMIT", ...jobStates.map((s) => s.toUpperCase())],
        shown.map((q) => [
          q.name,
          q.concurrencyLimit === null ? "none" : String(q.concurrencyLimit),
          ...jobStates.map((s) => String(q.counts[s] ?? 0)),
        ]),
        ["left", "right", ...jobStates.map(() => "right" as const)],
      ),
    );
  }
  if (pageToken !== undefined) writeMessage(ctx.io, `showing ${jobs.length} jobs; --limit N for more`);
}

async function setLimit(ctx: CliContext, command: Command, queue: string, limit: string, json?: boolean) {
  let concurrencyLimit: number | null;
  if (limit === "none") concurrencyLimit = null;
  else {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1) {
      throw new CliError(`queue limit: '${limit}' is not a positive whole number or 'none'`, exitCodes.usage);
    }
    concurrencyLimit = n;
  }
  const summary = await ctx.client(command).call("putQueue", { params: { queue }, body: { concurrencyLimit } });
  if (json) await writeJson(ctx.io, summary);
  else
    writeMessage(
      ctx.io,
      `queue '${queue}': ${concurrencyLimit === null ? "no limit" : `at most ${concurrencyLimit} jobs at once`}`,
    );
}

async function jobAction(ctx: CliContext, json: boolean | undefined, act: () => Promise<Job>, say: (j: Job) => string) {
  const job = await act();
  if (json) await writeJson(ctx.io, job);
  else writeMessage(ctx.io, say(job));
}

function agentRows(agents: Agent[], now: number): string[][] {
  return agents.map((a) => [
    a.id,
    a.name,
    a.host,
    a.state,
    a.queues.join(","),
    a.gpus.length > 0 ? a.gpus.map((g) => `${g.index}:${g.utilizationPercent ?? "?"}%`).join(" ") : `${a.cpuSlots} cpu`,
    a.jobs.map((j) => `${j.jobId.slice(0, 8)}${j.gpuIndices.length ? `@${j.gpuIndices.join(",")}` : ""}`).join(" "),
    formatDuration(now - a.heartbeatAt),
  ]);
}

export function registerQueueCommands(program: Command, ctx: CliContext): void {
  program
    .command("run")
    .description("queue a command: `looplab run [options] -- CMD ARGS…` (one job per combination of --set lists)")
    .argument(
      "<command...>",
      "the command after `--`, passed as written (${config_file}, ${run_id}, ${config.KEY} are filled in)",
    )
    .option("--project <name>", "project of the runs (default $LOOPLAB_PROJECT)")
    .option("--queue <name>", "queue to put the jobs on", parseQueueName, "default")
    .option("--gpus <n>", "GPUs each job needs (0 runs it on a CPU slot)", parseWhole(0), 0)
    .option("--cpus <n>", "CPU slots each job needs when it needs no GPU", parseWhole(1), 1)
    .option("--priority <k>", "higher runs first", parseInteger, 0)
    .option("--max-attempts <n>", "times a job is leased before it fails for good", parseWhole(1), 3)
    .option("--name <name>", "run name (a grid gets name-1, name-2, …)")
    .option("--group <name>", "run group")
    .option(
      "--set <key=value>",
      "config override, e.g. lr=0.01 or model.depth=3,4 (a list makes a grid); repeatable",
      collect,
      [],
    )
    .option("--json", "print the jobs as JSON")
    .action((argv: string[], opts: RunOptions, command: Command) => queueRun(ctx, command, argv, opts));

  const queue = program.command("queue").description("look at the queue and set its limits");
  queue
    .command("ls")
    .description("jobs (newest first) and job counts per queue")
    .option("--queue <name>", "only this queue", parseQueueName)
    .option("--state <states>", `comma-separated states (${jobStates.join(", ")})`)
    .option("--project <name>", "only this project's jobs")
    .option("--limit <n>", "most jobs to show", parseWhole(1), 100)
    .option("--json", "print { jobs, queues } as JSON")
    .action(
      (opts: { queue?: string; state?: string; project?: string; limit: number; json?: boolean }, command: Command) =>
        listQueue(ctx, command, opts),
    );
  queue
    .command("limit")
    .description("set how many jobs of a queue may run at once (`none` removes the limit)")
    .argument("<queue>", "queue name", parseQueueName)
    .argument("<limit>", "a positive whole number or none")
    .option("--json", "print the queue as JSON")
    .action((name: string, limit: string, opts: { json?: boolean }, command: Command) =>
      setLimit(ctx, command, name, limit, opts.json),
    );

  const jobs = program.command("jobs").description("cancel, requeue and reprioritise queued jobs");
  jobs
    .command("cancel")
    .description("cancel a job: a queued one at once, a running one through its agent")
    .argument("<id>", "job id", parseJobId)
    .option("--json", "print the job as JSON")
    .action((id: string, opts: { json?: boolean }, command: Command) =>
      jobAction(
        ctx,
        opts.json,
        () => ctx.client(command).call("cancelJob", { params: { jobId: id }, body: { reason: "cancelled" } }),
        (j) =>
          j.state === "cancelled"
            ? `job ${j.id} cancelled`
            : `job ${j.id} is ${j.state}: its agent was asked to stop it`,
      ),
    );
  jobs
    .command("requeue")
    .description("put a failed or cancelled job back in the queue (attempts reset; the same run resumes)")
    .argument("<id>", "job id", parseJobId)
    .option("--json", "print the job as JSON")
    .action((id: string, opts: { json?: boolean }, command: Command) =>
      jobAction(
        ctx,
        opts.json,
        () => ctx.client(command).call("requeueJob", { params: { jobId: id } }),
        (j) => `job ${j.id} queued again on '${j.queue}'`,
      ),
    );
  jobs
    .command("priority")
    .description("change a queued job's priority (higher runs first)")
    .argument("<id>", "job id", parseJobId)
    .argument("<priority>", "a whole number", parseInteger)
    .option("--json", "print the job as JSON")
    .action((id: string, priority: number, opts: { json?: boolean }, command: Command) =>
      jobAction(
        ctx,
        opts.json,
        () => ctx.client(command).call("updateJob", { params: { jobId: id }, body: { priority } }),
        (j) => `job ${j.id} priority ${j.priority}`,
      ),
    );

  const agents = program.command("agents").description("the machines taking jobs");
  agents
    .command("ls")
    .description("agents with their GPUs and the jobs on each")
    .option("--all", "include offline agents")
    .option("--json", "print the agents as JSON")
    .action(async (opts: { all?: boolean; json?: boolean }, command: Command) => {
      const { agents: list } = await ctx
        .client(command)
        .call("listAgents", { query: opts.all ? { includeOffline: "true" } : {} });
      if (opts.json) await writeJson(ctx.io, list);
      else if (list.length === 0) writeMessage(ctx.io, "no agents online (start one with `looplab agent`)");
      else
        await writeOut(
          ctx.io,
          renderTable(
            ["AGENT", "NAME", "HOST", "STATE", "QUEUES", "GPUS", "JOBS", "SEEN"],
            agentRows(list, ctx.io.now()),
          ),
        );
    });
}
