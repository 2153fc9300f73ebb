import type { JobPatch, JobRecord } from "../ports/queue-repo.js";

/** A held job going back to the queue without its attempt counted (its agent stopped or left). */
export function handBack(job: Pick<JobRecord, "attempts">, now: number): JobPatch {
  return {
    state: "queued",
    attempts: Math.max(0, job.attempts - 1),
    agentId: null,
    gpuIndices: [],
    leaseExpiresAt: null,
    updatedAt: now,
  };
}
