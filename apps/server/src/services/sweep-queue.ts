/**
 * What the sweep controller needs of the queue (services/queue-service.ts implements it): queue
 * one trial as a job with its run, cancel a job (a pruned trial's run ends `pruned`), and find the
 * jobs of a sweep after a restart.
 */
import type { Job, JobResources } from "@looplab/core";

export interface SweepEnqueueInput {
  project: string;
  command: string[];
  config: Record<string, unknown>;
  overrides: string[];
  queue: string;
  resources: JobResources;
  priority: number;
  maxAttempts: number;
  name: string;
  tags: Record<string, string>;
  sweepId: string;
}

export interface SweepQueue {
  enqueue(input: SweepEnqueueInput): Promise<Job[]>;
  cancel(jobId: string, reason: "cancelled" | "pruned"): Promise<Job>;
  list(query: { sweepId: string; limit: number }): Promise<{ jobs: Job[] }>;
}
