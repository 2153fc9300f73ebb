import { isLooplabError, MAX_POINTS_PER_BATCH } from "@looplab/core";
import type { LooplabClient } from "@looplab/sdk";
import {
  KEYS_PER_STEP,
  metricColumns,
  planRun,
  type SeedPlanOptions,
  type SeedRunPlan,
  seedMetricGoals,
} from "./dev-seed-data.js";

/**
 * `looplab dev seed`: creates demo runs over the public API with the SDK client — batches of up
 * to 10,000 points in the columnar form, several runs in flight at once. Client-chosen run ids
 * and batch ids make a repeated seed idempotent.
 */
export interface SeedOptions extends SeedPlanOptions {
  /** Requests in flight at once (runs seeded in parallel). */
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface SeedSummary {
  project: string;
  runs: number;
  running: number;
  points: number;
  seconds: number;
}

/** Steps per batch so that a batch stays within the server's limit of points. */
function stepsPerBatch(plan: SeedRunPlan): number {
  const perStep = 2 + (KEYS_PER_STEP - 2) / plan.evalEvery;
  return Math.max(1, Math.floor((MAX_POINTS_PER_BATCH - KEYS_PER_STEP) / perStep));
}

/** Steps a run has logged when seeding ends (running runs are half-way). */
export function seededSteps(plan: SeedRunPlan): number {
  return plan.status === "running" ? Math.max(1, Math.floor(plan.steps / 2)) : plan.steps;
}

export async function logSteps(client: LooplabClient, plan: SeedRunPlan, from: number, to: number): Promise<number> {
  let points = 0;
  const size = stepsPerBatch(plan);
  for (let start = from; start < to; start += size) {
    const series = metricColumns(plan, start, Math.min(to, start + size));
    points += series.reduce((n, s) => n + s.steps.length, 0);
    await client.call("logMetrics", { params: { runId: plan.id }, body: { batchId: `seed-${start}`, series } });
  }
  return points;
}

async function seedRun(client: LooplabClient, options: SeedOptions, index: number): Promise<number> {
  const plan = planRun(options, index);
  await client.createRun({
    project: options.project,
    id: plan.id,
    name: plan.name,
    group: plan.group,
    tags: plan.tags,
    config: plan.config,
    startedAt: plan.startTime,
  });
  const points = await logSteps(client, plan, 0, seededSteps(plan));
  if (plan.status !== "running") {
    await client
      .updateRun(plan.id, { status: plan.status, endedAt: plan.startTime + plan.steps * plan.stepMs })
      .catch((error: unknown) => {
        // A repeated seed finds the run already ended: that is the state asked for.
        if (!(isLooplabError(error) && error.code === "FAILED_PRECONDITION")) throw error;
      });
  }
  return points;
}

export async function seedProject(client: LooplabClient, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  await client.call("createProject", { body: { name: options.project } }).catch((error: unknown) => {
    if (!(isLooplabError(error) && error.code === "ALREADY_EXISTS")) throw error;
  });
  for (const [key, goal] of Object.entries(seedMetricGoals))
    await client.putMetricDefinition(options.project, key, goal);
  let next = 0;
  let done = 0;
  let points = 0;
  const worker = async () => {
    while (next < options.runs && !options.signal?.aborted) {
      const index = next++;
      const stored = await seedRun(client, options, index);
      points += stored;
      done += 1;
      options.onProgress?.(done, options.runs);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, options.runs)) }, worker));
  return {
    project: options.project,
    runs: done,
    running: Math.min(options.running, options.runs),
    points,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}

/**
 * Keeps logging to the running runs (a few steps each per tick) until `signal` aborts: live
 * data for demos and the dashboard's live-update tests.
 */
export async function keepLogging(
  client: LooplabClient,
  options: SeedPlanOptions & { tickMs: number; stepsPerTick: number; signal: AbortSignal },
): Promise<number> {
  const plans: SeedRunPlan[] = [];
  for (let index = Math.max(0, options.runs - options.running); index < options.runs; index++)
    plans.push(planRun(options, index));
  const position = new Map(plans.map((p) => [p.id, seededSteps(p)]));
  let points = 0;
  while (!options.signal.aborted) {
    await Promise.all(
      plans.map(async (plan) => {
        const from = position.get(plan.id) ?? 0;
        const stored = await logSteps(client, plan, from, from + options.stepsPerTick);
        points += stored;
        position.set(plan.id, from + options.stepsPerTick);
      }),
    );
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.tickMs);
      options.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
  return points;
}
