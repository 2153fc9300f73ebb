import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createSseStream, formatSseEvent, type SseWritable } from "./sse-stream.js";

/** A real Writable that accepts writes only when told to: a client that stopped reading. */
function stalledSocket() {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const socket = new Writable({
    highWaterMark: 256,
    write(chunk, _encoding, callback) {
      written.push(String(chunk));
      pending.push(callback);
    },
  });
  const release = () => {
    while (pending.length > 0) pending.shift()?.();
  };
  return { socket, written, release };
}

describe("SSE stream", () => {
  it("formats events with event, id and JSON data lines", () => {
    expect(formatSseEvent("run", 7, { a: 1 })).toBe('event: run\nid: 7\ndata: {"a":1}\n\n');
    expect(formatSseEvent("ready", undefined, {})).toBe("event: ready\ndata: {}\n\n");
  });

  it("drops events for a slow client instead of buffering them, then sends a reset", async () => {
    const { socket, written, release } = stalledSocket();
    let closed = 0;
    const stream = createSseStream(socket as unknown as SseWritable, {
      maxBufferedBytes: 1_000,
      resetEvent: () => ({ id: 99, data: { reason: "slow-consumer" } }),
      onClose: () => closed++,
    });
    for (let i = 0; i < 200; i++) stream.send("run", i, { pad: "x".repeat(80) });
    expect(stream.dropped).toBeGreaterThan(150);
    expect(socket.writableLength).toBeLessThan(1_200);
    // The client reads again: the socket drains, and the next event is a reset.
    while (written.length > 0 || socket.writableLength > 0) {
      written.length = 0;
      release();
      await new Promise((r) => setImmediate(r));
      if (written.some((w) => w.includes("event: reset"))) break;
    }
    expect(written.join("")).toContain('event: reset\nid: 99\ndata: {"reason":"slow-consumer"}');
    stream.send("run", 300, { after: true });
    release();
    await new Promise((r) => setImmediate(r));
    expect(written.join("")).toContain('"after":true');
    stream.end();
    expect(closed).toBe(1);
  });

  it("disconnects a client that does not drain in time", async () => {
    const { socket } = stalledSocket();
    let closed = 0;
    const stream = createSseStream(socket as unknown as SseWritable, {
      maxBufferedBytes: 100,
      overflowTimeoutMs: 20,
      resetEvent: () => ({ id: 1, data: {} }),
      onClose: () => closed++,
    });
    stream.send("run", 1, { pad: "x".repeat(200) });
    await new Promise((r) => setTimeout(r, 60));
    expect(socket.destroyed).toBe(true);
    expect(closed).toBe(1);
    expect(stream.closed).toBe(true);
  });
});
