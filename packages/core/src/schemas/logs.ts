/**
 * A run's console log (stdout/stderr lines), written by the agent for queued jobs and by the
 * SDK's console capture for runs it starts; stored in order and read in pages (DESIGN.md §2.6).
 */
import { z } from "zod";
import { epochMs } from "./common.js";

export const logStreamSchema = z.enum(["stdout", "stderr"]);
export type LogStream = z.infer<typeof logStreamSchema>;

/** Longest line kept; longer lines are cut by the writer and marked with a trailing "…". */
export const MAX_LOG_LINE_CHARS = 16_384;
export const MAX_LOG_LINES_PER_BATCH = 5_000;

export const logLineInput = z.strictObject({
  stream: logStreamSchema,
  text: z.string().max(MAX_LOG_LINE_CHARS),
  time: epochMs,
});

export const appendLogsBody = z
  .strictObject({
    /** Idempotency key: a batch sent twice (a retry) is stored once. */
    batchId: z.string().min(1).max(100).optional(),
    lines: z.array(logLineInput).min(1).max(MAX_LOG_LINES_PER_BATCH),
  })
  .meta({ id: "AppendLogsBody" });
export type AppendLogsBody = z.infer<typeof appendLogsBody>;

export const appendLogsResult = z.object({
  /** Lines stored by this call (0 for a replayed batch). */
  stored: z.number().int().min(0),
  /** Sequence number of the run's last line after this call. */
  lastSeq: z.number().int().min(0),
});

export const logLineSchema = z
  .object({ seq: z.number().int().min(1), stream: logStreamSchema, text: z.string(), time: epochMs })
  .meta({ id: "LogLine" });
export type LogLine = z.infer<typeof logLineSchema>;

export const readLogsQuery = z.object({
  /** Lines after this sequence number (exclusive); 0 reads from the start. */
  after: z.coerce.number().int().min(0).optional(),
  /** The last N lines instead of paging forward (a tail). Not with `after`. */
  tail: z.coerce.number().int().min(1).max(10_000).optional(),
  stream: logStreamSchema.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

export const logPageSchema = z
  .object({
    lines: z.array(logLineSchema),
    /** Pass as `after` for the next page (or to poll for new lines). */
    nextAfter: z.number().int().min(0),
    /** True when more lines exist after this page now. */
    hasMore: z.boolean(),
  })
  .meta({ id: "LogPage" });
export type LogPage = z.infer<typeof logPageSchema>;

/** `event: logs` on a project's live stream — lines were appended to a run's log (up to `lastSeq`). */
export const logsEventSchema = z
  .object({ runId: z.string(), project: z.string(), lastSeq: z.number().int().min(0) })
  .meta({ id: "LogsEvent" });
export type LogsEvent = z.infer<typeof logsEventSchema>;
