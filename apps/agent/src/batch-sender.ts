/**
 * Sends items (log lines, metric points) to the server in batches: every `intervalMs` or as
 * soon as `maxBatch` items wait. Each batch carries an id, so a retry after a lost answer is
 * stored once. Adding never blocks: while the server is away the buffer is bounded and the
 * oldest items are dropped, counted, and reported by a marker item at the head of the next batch.
 */
import { isRetryable } from "@looplab/sdk";
import type { Logger } from "pino";
import { createBackoff, sleep } from "./backoff.js";

export interface BatchSenderOptions<T> {
  /** Sends one batch; throws on failure (retryable errors are retried with the same id). */
  send(items: T[], batchId: string, signal: AbortSignal): Promise<void>;
  /** Batch ids are `${batchIdPrefix}-${n}`. */
  batchIdPrefix: string;
  intervalMs?: number;
  maxBatch?: number;
  /** Most items kept while the server is away (default 100 000). */
  maxBuffered?: number;
  /** An item saying that `count` items were dropped (placed where they were). */
  droppedMarker?: (count: number) => T;
  logger: Logger;
  /** What the batches are, for log messages ("log lines", "metric points"). */
  what: string;
}

export interface BatchSender<T> {
  add(item: T): void;
  /** Sends what is buffered; waits up to `timeoutMs` for it to be delivered, then gives up. */
  close(timeoutMs?: number): Promise<void>;
  /** Items dropped so far (buffer overflow or a batch the server refused). */
  readonly dropped: number;
}

export function createBatchSender<T>(options: BatchSenderOptions<T>): BatchSender<T> {
  const intervalMs = options.intervalMs ?? 500;
  const maxBatch = options.maxBatch ?? 1000;
  const maxBuffered = Math.max(maxBatch, options.maxBuffered ?? 100_000);
  const backoff = createBackoff(250, 10_000);
  const stop = new AbortController();
  const { logger } = options;
  let buffer: T[] = [];
  let droppedSinceMarker = 0;
  let droppedTotal = 0;
  let timer: NodeJS.Timeout | undefined;
  let pumping: Promise<void> | null = null;
  let nextBatch = 1;
  let closed = false;

  const takeBatch = (): T[] => {
    const batch: T[] = [];
    if (droppedSinceMarker > 0 && options.droppedMarker) {
      batch.push(options.droppedMarker(droppedSinceMarker));
      droppedSinceMarker = 0;
    }
    const room = maxBatch - batch.length;
    batch.push(...buffer.slice(0, room));
    buffer = buffer.slice(room);
    return batch;
  };

  const deliver = async (batch: T[]): Promise<void> => {
    const batchId = `${options.batchIdPrefix}-${nextBatch++}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await options.send(batch, batchId, stop.signal);
        return;
      } catch (error) {
        if (stop.signal.aborted) {
          droppedTotal += batch.length;
          logger.warn({ err: error, batchId, items: batch.length }, `gave up sending ${options.what}`);
          return;
        }
        if (!isRetryable(error)) {
          droppedTotal += batch.length;
          logger.error({ err: error, batchId, items: batch.length }, `server refused a batch of ${options.what}`);
          return;
        }
        if (attempt === 1 || attempt % 10 === 0) {
          logger.warn({ err: error, batchId, attempt }, `sending ${options.what} failed; retrying`);
        }
        await sleep(backoff.delay(attempt), stop.signal);
      }
    }
  };

  const pump = (): Promise<void> => {
    if (pumping) return pumping;
    pumping = (async () => {
      while (buffer.length > 0 || droppedSinceMarker > 0) {
        if (stop.signal.aborted) {
          droppedTotal += buffer.length;
          if (buffer.length > 0) logger.warn({ items: buffer.length }, `gave up sending ${options.what}`);
          buffer = [];
          droppedSinceMarker = 0;
          break;
        }
        await deliver(takeBatch());
      }
    })().finally(() => {
      pumping = null;
      if (buffer.length > 0 && !stop.signal.aborted) schedule();
    });
    return pumping;
  };

  const schedule = () => {
    if (timer !== undefined || pumping) return;
    if (buffer.length >= maxBatch || closed) {
      void pump();
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      void pump();
    }, intervalMs);
    timer.unref?.();
  };

  return {
    add(item) {
      buffer.push(item);
      if (buffer.length > maxBuffered) {
        const over = buffer.length - maxBuffered;
        buffer.splice(0, over);
        droppedSinceMarker += over;
        droppedTotal += over;
      }
      if (buffer.length >= maxBatch && timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      schedule();
    },
    async close(timeoutMs = 10_000) {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const deadline = setTimeout(() => stop.abort(), timeoutMs);
      try {
        while (buffer.length > 0 || pumping || droppedSinceMarker > 0) {
          await pump();
          if (stop.signal.aborted) break;
        }
      } finally {
        clearTimeout(deadline);
        stop.abort();
      }
    },
    get dropped() {
      return droppedTotal;
    },
  };
}
