import { type Job, notFound } from "@looplab/core";
import type { JobRecord } from "../ports/queue-repo.js";
import type { Store } from "../ports/store.js";

/** Turns job records into the wire shape (`Job`), resolving project names (cached; names never change). */
export function createJobViews(store: Store) {
  const projectNames = new Map<string, string>();

  async function projectName(projectId: string): Promise<string> {
    const known = projectNames.get(projectId);
    if (known !== undefined) return known;
    const project = await store.projects.getById(projectId);
    if (!project) throw notFound(`project '${projectId}' not found`, { projectId });
    projectNames.set(projectId, project.name);
    return project.name;
  }

  async function view(job: JobRecord): Promise<Job> {
    return {
      id: job.id,
      runId: job.runId,
      project: await projectName(job.projectId),
      queue: job.queue,
      command: job.command,
      config: job.config,
      resources: { gpus: job.gpus, cpus: job.cpus },
      priority: job.priority,
      state: job.state,
      attempts: job.attempts,
      maxAttempts: job.maxAttempts,
      cancelRequested: job.cancelRequested,
      agentId: job.agentId,
      gpuIndices: job.gpuIndices,
      leaseExpiresAt: job.leaseExpiresAt,
      exitCode: job.exitCode,
      error: job.error,
      sweepId: job.sweepId,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      startedAt: job.startedAt,
      endedAt: job.endedAt,
    };
  }

  async function requireJob(jobId: string): Promise<JobRecord> {
    const job = await store.queue.getJob(jobId);
    if (!job) throw notFound(`job '${jobId}' not found`, { jobId });
    return job;
  }

  return {
    view,
    views: (jobs: JobRecord[]) => Promise.all(jobs.map(view)),
    requireJob,
    /** The job as stored now, as a view. */
    async current(jobId: string): Promise<Job> {
      return await view(await requireJob(jobId));
    },
  };
}
export type JobViews = ReturnType<typeof createJobViews>;
