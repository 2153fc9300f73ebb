/**
 * The agent's side of the agent protocol: typed calls with retries on network errors and
 * server restarts (5xx, 429), so the agent outlives the server going away.
 */
import type { Gpu, Job } from "@looplab/core";
import { isRetryable, type LooplabClient } from "@looplab/sdk";
import type { Logger } from "pino";
import { createBackoff, sleep } from "./backoff.js";

export interface RetryScope {
  /** Stops retrying when aborted (the last error is thrown). */
  signal?: AbortSignal;
  /** Gives up after this many attempts (default: never). */
  maxAttempts?: number;
}

export function createServerCalls(client: LooplabClient, logger: Logger) {
  const backoff = createBackoff(250, 5_000);

  async function retrying<T>(what: string, call: () => Promise<T>, scope: RetryScope = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const stop = scope.signal?.aborted || (scope.maxAttempts !== undefined && attempt >= scope.maxAttempts);
        if (!isRetryable(error) || stop) throw error;
        if (attempt === 1 || attempt % 20 === 0) logger.warn({ err: error, attempt }, `${what} failed; retrying`);
        await sleep(backoff.delay(attempt), scope.signal);
      }
    }
  }

  return {
    retrying,
    register(
      body: {
        name: string;
        host: string;
        queues: string[];
        gpus: Gpu[];
        cpuSlots: number;
        version?: string;
      },
      scope?: RetryScope,
    ) {
      return retrying("registering", () => client.call("registerAgent", { body }), scope);
    },
    heartbeat(agentId: string, body: { gpus?: Gpu[]; draining?: boolean }) {
      return client.call("agentHeartbeat", { params: { agentId }, body });
    },
    claim(
      agentId: string,
      body: { freeGpus: number[]; freeCpuSlots: number; waitMs: number },
      signal: AbortSignal,
    ): Promise<{ job: Job | null }> {
      return client.call("claimJob", { params: { agentId }, body, signal, timeoutMs: body.waitMs + 30_000 });
    },
    start(jobId: string, body: { agentId: string; host: string; pid?: number; command?: string }, scope?: RetryScope) {
      return retrying("starting the job", () => client.call("startJob", { params: { jobId }, body }), scope);
    },
    finish(
      jobId: string,
      body: {
        agentId: string;
        outcome: "succeeded" | "failed" | "cancelled" | "pruned";
        exitCode?: number | null;
        error?: string;
      },
      scope?: RetryScope,
    ) {
      return retrying("finishing the job", () => client.call("finishJob", { params: { jobId }, body }), scope);
    },
    release(jobId: string, body: { agentId: string; reason?: string }, scope?: RetryScope) {
      return retrying("handing the job back", () => client.call("releaseJob", { params: { jobId }, body }), scope);
    },
    deregister(agentId: string, scope?: RetryScope) {
      return retrying("deregistering", () => client.call("deregisterAgent", { params: { agentId } }), scope);
    },
  };
}

export type ServerCalls = ReturnType<typeof createServerCalls>;
