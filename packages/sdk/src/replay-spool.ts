import type { LooplabClient } from "./client.js";
import { DeliveryQueue } from "./delivery-queue.js";
import type { RunSettings } from "./run-settings.js";
import type { OnSdkEvent } from "./sdk-events.js";
import { sendRecord } from "./send-record.js";
import type { Spool } from "./spool.js";

export interface ReplayResult {
  /** Runs whose spool held records. */
  runs: number;
  /** Records the server acknowledged (each removed from the spool). */
  delivered: number;
  /** Records still in the spool (server unreachable, or time ran out). */
  remaining: number;
}

export interface ReplayOptions {
  spool: Spool;
  client: LooplabClient;
  settings: RunSettings;
  report: OnSdkEvent;
  now(): number;
  random(): number;
  timeoutMs: number;
  /** Keep the process alive while replaying (false for the background replay at init). */
  keepAlive: boolean;
}

/**
 * Delivers spooled records run by run, oldest first, through the same outbox as live runs
 * (same ordering, retries and idempotency): a record is deleted only after the server
 * acknowledged it, so a crash during replay loses nothing and duplicates nothing.
 */
export async function replaySpool(o: ReplayOptions): Promise<ReplayResult> {
  const result: ReplayResult = { runs: 0, delivered: 0, remaining: 0 };
  const deadline = o.now() + o.timeoutMs;
  for (const runId of await o.spool.listRuns()) {
    const runSpool = o.spool.open(runId);
    try {
      const queue = new DeliveryQueue({
        runId,
        send: (route, body) => sendRecord(o.client, runId, route, body),
        spool: runSpool,
        spillThreshold: Number.POSITIVE_INFINITY,
        maxInFlight: o.settings.maxInFlight,
        retry: o.settings.retry,
        now: o.now,
        random: o.random,
        report: o.report,
      });
      const found = await queue.loadSpooled();
      if (found === 0) continue;
      result.runs++;
      const left = deadline - o.now();
      const drained = left > 0 && (await queue.drain(left, o.keepAlive));
      queue.close();
      result.delivered += queue.ackedRecords;
      result.remaining += queue.pendingRecords;
      if (!drained) break;
    } finally {
      runSpool.close();
    }
  }
  return result;
}
