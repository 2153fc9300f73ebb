/**
 * Where a job's output goes: its stdout/stderr lines to the run's log (`appendLogs`) and the
 * metrics it prints as JSON lines, plus the agent's system metrics, to the run's metrics
 * (`logMetrics`, columnar). Both are batched and never block the job.
 */
import { randomBytes } from "node:crypto";
import type { LogStream } from "@looplab/core";
import type { LooplabClient } from "@looplab/sdk";
import type { Logger } from "pino";
import { type BatchSender, createBatchSender } from "./batch-sender.js";
import { parseMetricLine } from "./metric-line.js";

export interface LogLineItem {
  stream: LogStream;
  text: string;
  time: number;
}

export interface PointItem {
  key: string;
  step: number;
  value: number;
  time: number;
}

export interface RunOutputOptions {
  client: LooplabClient;
  runId: string;
  logger: Logger;
  now?: () => number;
  flushIntervalMs?: number;
  maxBufferedLines?: number;
}

export interface RunOutput {
  /** A line the job printed: kept in the log; a JSON metric line is also logged as metrics. */
  line(stream: LogStream, text: string): void;
  /** A message of the agent's own in the run's log (e.g. why the job could not start). */
  note(text: string): void;
  metrics(step: number, values: Record<string, number>): void;
  close(timeoutMs?: number): Promise<void>;
  readonly droppedLines: number;
}

/** Groups points by key into the columnar form of `logMetrics`. */
export function toSeries(points: readonly PointItem[]) {
  const byKey = new Map<string, { key: string; steps: number[]; values: number[]; times: number[] }>();
  for (const p of points) {
    let s = byKey.get(p.key);
    if (!s) {
      s = { key: p.key, steps: [], values: [], times: [] };
      byKey.set(p.key, s);
    }
    s.steps.push(p.step);
    s.values.push(p.value);
    s.times.push(p.time);
  }
  return [...byKey.values()];
}

export function createRunOutput(options: RunOutputOptions): RunOutput {
  const { client, runId, logger } = options;
  const now = options.now ?? Date.now;
  const prefix = randomBytes(6).toString("hex");
  const logs: BatchSender<LogLineItem> = createBatchSender<LogLineItem>({
    what: "log lines",
    logger,
    batchIdPrefix: `agent-${prefix}-log`,
    intervalMs: options.flushIntervalMs ?? 500,
    maxBatch: 1000,
    maxBuffered: options.maxBufferedLines ?? 100_000,
    droppedMarker: (count) => ({ stream: "stderr", text: `[looplab: ${count} lines dropped]`, time: now() }),
    send: async (lines, batchId, signal) => {
      await client.call("appendLogs", { params: { runId }, body: { batchId, lines }, signal });
    },
  });
  const points: BatchSender<PointItem> = createBatchSender<PointItem>({
    what: "metric points",
    logger,
    batchIdPrefix: `agent-${prefix}-metrics`,
    intervalMs: options.flushIntervalMs ?? 500,
    maxBatch: 5000,
    maxBuffered: 200_000,
    send: async (items, batchId, signal) => {
      await client.call("logMetrics", { params: { runId }, body: { batchId, series: toSeries(items) }, signal });
    },
  });
  const metrics = (step: number, values: Record<string, number>) => {
    const time = now();
    for (const [key, value] of Object.entries(values)) points.add({ key, step, value, time });
  };
  return {
    line(stream, text) {
      logs.add({ stream, text, time: now() });
      const parsed = parseMetricLine(text);
      if (parsed) metrics(parsed.step, parsed.values);
    },
    note(text) {
      logs.add({ stream: "stderr", text: `[looplab] ${text}`, time: now() });
    },
    metrics,
    async close(timeoutMs = 10_000) {
      await Promise.all([logs.close(timeoutMs), points.close(timeoutMs)]);
    },
    get droppedLines() {
      return logs.dropped;
    },
  };
}
