import { type LogStream, MAX_LOG_LINE_CHARS, MAX_LOG_LINES_PER_BATCH } from "@looplab/core";
import { startTimer, type TimerHandle } from "./timer.js";

/**
 * A run's console log on its way to the server (`appendLogs`, docs/logs.md): text written
 * to stdout/stderr is cut into lines, buffered (bounded: beyond `maxPendingLines` new lines
 * are dropped and counted, and a marker line says so), and handed over as batches with a
 * batch id — the run puts them on its outbox, so they are retried and spooled like metrics.
 * Nothing here throws into the program.
 */

export interface RunLogsOptions {
  /** Hands one batch (the JSON body of `appendLogs`) to the run's outbox. */
  enqueue(body: string, lines: number): void;
  /** A new batch id (unique per run and process session). */
  batchId(): string;
  now(): number;
  /** Longest a line waits before it is sent, ms (default 1 000). */
  flushIntervalMs?: number;
  /** Lines that make a batch leave at once (default 1 000). */
  maxBatchLines?: number;
  /** A batch stops growing past this many characters of text (default 1 000 000). */
  maxBatchChars?: number;
  /** Most lines held before new ones are dropped (default 10 000). */
  maxPendingLines?: number;
}

export interface RunLogStats {
  /** Lines handed to the outbox. */
  sentLines: number;
  /** Lines waiting in the buffer. */
  pendingLines: number;
  /** Lines dropped because the buffer was full. */
  droppedLines: number;
}

interface PendingLine {
  stream: LogStream;
  text: string;
  time: number;
}

const ELLIPSIS = "…";

/** Cuts a line to the server's limit, marking the cut with a trailing "…". */
export function clipLogLine(text: string): string {
  if (text.length <= MAX_LOG_LINE_CHARS) return text;
  let end = MAX_LOG_LINE_CHARS - ELLIPSIS.length;
  // Do not leave half of a surrogate pair behind.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + ELLIPSIS;
}

export class RunLogs {
  private pending: PendingLine[] = [];
  private pendingChars = 0;
  private readonly partial: Record<LogStream, string> = { stdout: "", stderr: "" };
  /** Partial lines seen at the previous tick: sent at the next one if nothing completed them. */
  private readonly stale: Record<LogStream, boolean> = { stdout: false, stderr: false };
  private timer: TimerHandle | undefined;
  private closed = false;
  private sent = 0;
  private dropped = 0;
  private droppedSinceMarker = 0;
  private readonly flushIntervalMs: number;
  private readonly maxBatchLines: number;
  private readonly maxBatchChars: number;
  private readonly maxPendingLines: number;

  constructor(private readonly o: RunLogsOptions) {
    this.flushIntervalMs = Math.max(1, o.flushIntervalMs ?? 1000);
    this.maxBatchLines = Math.min(MAX_LOG_LINES_PER_BATCH, Math.max(1, o.maxBatchLines ?? 1000));
    this.maxBatchChars = Math.max(MAX_LOG_LINE_CHARS, o.maxBatchChars ?? 1_000_000);
    this.maxPendingLines = Math.max(1, o.maxPendingLines ?? 10_000);
  }

  /** Text as written to a stream: complete lines are kept, the rest waits for its newline. */
  write(stream: LogStream, chunk: string): void {
    if (this.closed || chunk.length === 0) return;
    let text = this.partial[stream] + chunk;
    let cut = text.indexOf("\n");
    while (cut >= 0) {
      this.push(stream, text.slice(0, text.charCodeAt(cut - 1) === 13 ? cut - 1 : cut));
      text = text.slice(cut + 1);
      cut = text.indexOf("\n");
    }
    while (text.length > MAX_LOG_LINE_CHARS) {
      this.push(stream, text.slice(0, MAX_LOG_LINE_CHARS));
      text = text.slice(MAX_LOG_LINE_CHARS);
    }
    this.partial[stream] = text;
    this.stale[stream] = false;
    this.arm();
  }

  /** One whole line (no newline needed). */
  line(stream: LogStream, text: string): void {
    if (this.closed) return;
    this.push(stream, text);
    this.arm();
  }

  /** Hands buffered lines to the outbox; partial lines go too when `partial` is set. */
  flush(partial = false): void {
    if (partial) for (const stream of ["stdout", "stderr"] as const) this.takePartial(stream);
    if (this.droppedSinceMarker > 0) {
      const marker = `[looplab: ${this.droppedSinceMarker} log lines dropped: the buffer was full]`;
      this.droppedSinceMarker = 0;
      this.pending.push({ stream: "stderr", text: marker, time: this.o.now() });
      this.pendingChars += marker.length;
    }
    while (this.pending.length > 0) {
      let count = 0;
      let chars = 0;
      while (count < this.pending.length && count < this.maxBatchLines) {
        const next = (this.pending[count] as PendingLine).text.length;
        if (count > 0 && chars + next > this.maxBatchChars) break;
        chars += next;
        count++;
      }
      const lines = this.pending.slice(0, count);
      this.pending = this.pending.slice(count);
      this.pendingChars -= chars;
      this.sent += count;
      try {
        this.o.enqueue(JSON.stringify({ batchId: this.o.batchId(), lines }), count);
      } catch {
        // The outbox reports its own problems; a log line is never worth an exception.
      }
    }
  }

  /** Sends everything, partial lines included, and stops taking text. */
  close(): void {
    if (this.closed) return;
    this.flush(true);
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  stats(): RunLogStats {
    return { sentLines: this.sent, pendingLines: this.pending.length, droppedLines: this.dropped };
  }

  private push(stream: LogStream, text: string): void {
    if (this.pending.length >= this.maxPendingLines) {
      this.dropped++;
      this.droppedSinceMarker++;
      return;
    }
    const clipped = clipLogLine(text);
    this.pending.push({ stream, text: clipped, time: this.o.now() });
    this.pendingChars += clipped.length;
    if (this.pending.length >= this.maxBatchLines || this.pendingChars >= this.maxBatchChars) this.flush();
  }

  private takePartial(stream: LogStream): void {
    const text = this.partial[stream];
    this.partial[stream] = "";
    this.stale[stream] = false;
    if (text.length > 0) this.push(stream, text.endsWith("\r") ? text.slice(0, -1) : text);
  }

  private arm(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = startTimer(() => this.tick(), this.flushIntervalMs);
  }

  private tick(): void {
    this.timer = undefined;
    // A partial line (a prompt, a progress bar) that waited a whole period is sent as it is.
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.stale[stream]) this.takePartial(stream);
      else if (this.partial[stream].length > 0) this.stale[stream] = true;
    }
    this.flush();
    if (this.partial.stdout.length > 0 || this.partial.stderr.length > 0) this.arm();
  }
}
