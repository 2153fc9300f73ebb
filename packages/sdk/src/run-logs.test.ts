import { MAX_LOG_LINE_CHARS } from "@looplab/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clipLogLine, RunLogs } from "./run-logs.js";

type Batch = { batchId: string; lines: { stream: string; text: string; time: number }[] };

function setup(options: Partial<ConstructorParameters<typeof RunLogs>[0]> = {}) {
  const batches: Batch[] = [];
  let n = 0;
  const logs = new RunLogs({
    enqueue: (body) => batches.push(JSON.parse(body) as Batch),
    batchId: () => `b${++n}`,
    now: () => 42,
    ...options,
  });
  const texts = () => batches.flatMap((b) => b.lines.map((l) => `${l.stream}:${l.text}`));
  return { logs, batches, texts };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("RunLogs", () => {
  it("cuts text into lines at newlines, per stream, keeping partial lines until their newline", () => {
    const { logs, texts } = setup();
    logs.write("stdout", "one\ntw");
    logs.write("stderr", "err\r\n");
    logs.write("stdout", "o\n\nthree");
    logs.flush();
    expect(texts()).toEqual(["stdout:one", "stderr:err", "stdout:two", "stdout:"]);
    logs.close();
    expect(texts()).toEqual(["stdout:one", "stderr:err", "stdout:two", "stdout:", "stdout:three"]);
    // Closed: nothing more is taken.
    logs.write("stdout", "late\n");
    logs.flush();
    expect(texts()).toHaveLength(5);
  });

  it("sends batches with fresh batch ids, times and at most maxBatchLines lines", () => {
    const { logs, batches } = setup({ maxBatchLines: 3 });
    logs.write("stdout", "a\nb\nc\nd\ne\n");
    logs.flush();
    expect(batches.map((b) => b.lines.length)).toEqual([3, 2]);
    expect(batches.map((b) => b.batchId)).toEqual(["b1", "b2"]);
    expect(batches[0]?.lines[0]).toEqual({ stream: "stdout", text: "a", time: 42 });
  });

  it("flushes on its timer and sends a partial line that waited a whole period", () => {
    vi.useFakeTimers();
    const { logs, texts } = setup({ flushIntervalMs: 100 });
    logs.write("stdout", "done\nprogress 50%");
    expect(texts()).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(texts()).toEqual(["stdout:done"]);
    vi.advanceTimersByTime(100);
    expect(texts()).toEqual(["stdout:done", "stdout:progress 50%"]);
  });

  it("clips over-long lines with a trailing ellipsis and splits endless partial lines", () => {
    expect(clipLogLine("short")).toBe("short");
    const clipped = clipLogLine("x".repeat(MAX_LOG_LINE_CHARS + 10));
    expect(clipped).toHaveLength(MAX_LOG_LINE_CHARS);
    expect(clipped.endsWith("…")).toBe(true);
    const { logs, batches } = setup();
    // A complete line is clipped; text that never ends is sent in pieces of the longest size.
    logs.write("stdout", `${"x".repeat(MAX_LOG_LINE_CHARS + 1)}\n`);
    logs.write("stdout", "y".repeat(MAX_LOG_LINE_CHARS * 2 + 5));
    logs.flush(true);
    const lines = batches.flatMap((b) => b.lines.map((l) => l.text));
    expect(lines.map((l) => l.length)).toEqual([MAX_LOG_LINE_CHARS, MAX_LOG_LINE_CHARS, MAX_LOG_LINE_CHARS, 5]);
    expect(lines[0]?.endsWith("x…")).toBe(true);
    expect(lines[1]?.endsWith("y")).toBe(true);
  });

  it("drops lines beyond the buffer's bound and says so in a marker line", () => {
    const { logs, texts } = setup({ maxPendingLines: 2, maxBatchLines: 1000 });
    logs.write("stdout", "1\n2\n3\n4\n");
    expect(logs.stats()).toEqual({ sentLines: 0, pendingLines: 2, droppedLines: 2 });
    logs.flush();
    expect(texts()).toEqual(["stdout:1", "stdout:2", "stderr:[looplab: 2 log lines dropped: the buffer was full]"]);
    expect(logs.stats().sentLines).toBe(3);
  });

  it("never throws into the program when the outbox does", () => {
    const logs = new RunLogs({
      enqueue: () => {
        throw new Error("boom");
      },
      batchId: () => "x",
      now: () => 1,
    });
    expect(() => {
      logs.write("stdout", "a\n");
      logs.close();
    }).not.toThrow();
  });
});
