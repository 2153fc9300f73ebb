/**
 * Splits a byte stream (a child's stdout or stderr) into lines: UTF-8 decoded across chunk
 * boundaries, `\n` and `\r\n` endings removed, a partial last line given out at `end()`, and
 * lines longer than the log's limit cut with a trailing "…". A line that goes on without end
 * is emitted in pieces as it grows, so memory stays bounded.
 */
import { StringDecoder } from "node:string_decoder";
import { MAX_LOG_LINE_CHARS } from "@looplab/core";

export interface LineSplitter {
  push(chunk: Buffer | string): void;
  /** Flushes the partial last line, if any. */
  end(): void;
}

/** Cuts a line to `max` characters, the last one being "…". */
export function truncateLine(line: string, max = MAX_LOG_LINE_CHARS): string {
  if (line.length <= max) return line;
  let cut = max - 1;
  // Do not split a surrogate pair.
  const code = line.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${line.slice(0, cut)}…`;
}

export function createLineSplitter(onLine: (line: string) => void, maxChars = MAX_LOG_LINE_CHARS): LineSplitter {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  /** The current line was already given out cut short; drop the rest of it. */
  let skipping = false;

  const emit = (line: string) => {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    onLine(truncateLine(text, maxChars));
  };

  const take = (text: string) => {
    let start = 0;
    for (;;) {
      const newline = text.indexOf("\n", start);
      if (newline < 0) break;
      const piece = pending + text.slice(start, newline);
      pending = "";
      if (skipping) skipping = false;
      else emit(piece);
      start = newline + 1;
    }
    if (skipping) return;
    pending += text.slice(start);
    if (pending.length > maxChars) {
      emit(pending);
      pending = "";
      skipping = true;
    }
  };

  return {
    push(chunk) {
      take(typeof chunk === "string" ? chunk : decoder.write(chunk));
    },
    end() {
      take(decoder.end());
      if (pending !== "" && !skipping) emit(pending);
      pending = "";
      skipping = false;
    },
  };
}
