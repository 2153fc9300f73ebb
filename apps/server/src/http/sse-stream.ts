import type { ServerResponse } from "node:http";

/**
 * One Server-Sent Events response. Writes never buffer without bound: when the client reads
 * too slowly and more than `maxBufferedBytes` wait in the socket, further events are dropped
 * and, once the socket drains, a `reset` event tells the client to refetch (drop-and-reset);
 * a client that does not drain within `overflowTimeoutMs` is disconnected.
 */
export interface SseStreamOptions {
  maxBufferedBytes?: number;
  overflowTimeoutMs?: number;
  /** The `reset` event sent after dropped events (its id lets the client resume from there). */
  resetEvent: () => { id: number; data: unknown };
  /** Called once when the response ends, whoever ended it. */
  onClose: () => void;
}

export type SseWritable = Pick<
  ServerResponse,
  "write" | "end" | "destroy" | "once" | "on" | "off" | "writableLength" | "writableEnded" | "destroyed"
>;

export interface SseStream {
  send(type: string, id: number | undefined, data: unknown): void;
  comment(text: string): void;
  end(): void;
  readonly closed: boolean;
  /** Events dropped since the stream opened (slow client). */
  readonly dropped: number;
}

export function formatSseEvent(type: string, id: number | undefined, data: unknown): string {
  const idLine = id === undefined ? "" : `id: ${id}\n`;
  return `event: ${type}\n${idLine}data: ${JSON.stringify(data)}\n\n`;
}

export function createSseStream(res: SseWritable, options: SseStreamOptions): SseStream {
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const overflowTimeoutMs = options.overflowTimeoutMs ?? 30_000;
  let closed = false;
  let overflowing = false;
  let dropped = 0;
  let overflowTimer: ReturnType<typeof setTimeout> | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    if (overflowTimer) clearTimeout(overflowTimer);
    res.off("drain", onDrain);
    options.onClose();
  };
  function onDrain() {
    if (closed || !overflowing) return;
    overflowing = false;
    if (overflowTimer) clearTimeout(overflowTimer);
    const reset = options.resetEvent();
    write(formatSseEvent("reset", reset.id, reset.data));
  }
  res.once("close", close);
  res.once("error", close);

  function write(text: string): void {
    if (closed || res.writableEnded || res.destroyed) return;
    if (overflowing) {
      dropped += 1;
      return;
    }
    res.write(text);
    if (res.writableLength > maxBuffered) {
      overflowing = true;
      res.once("drain", onDrain);
      overflowTimer = setTimeout(() => res.destroy(), overflowTimeoutMs);
      overflowTimer.unref?.();
    }
  }

  return {
    send: (type, id, data) => write(formatSseEvent(type, id, data)),
    comment: (text) => write(`: ${text}\n\n`),
    end() {
      if (!closed && !res.writableEnded) res.end();
      close();
    },
    get closed() {
      return closed;
    },
    get dropped() {
      return dropped;
    },
  };
}
