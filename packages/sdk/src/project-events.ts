import type { ProjectEvent } from "@looplab/core";
import { type FetchLike, LooplabClient } from "./client.js";
import { isApiError, isRetryable } from "./client-errors.js";

/**
 * Live events of a project (`GET /api/v1/projects/:project/events`, docs/dashboard-api.md),
 * read as Server-Sent Events from a `fetch` body stream, so it works in browsers and in Node
 * alike and can send headers. Reconnects with `Last-Event-ID` (the last event's id, or the
 * `lastEventId` of the connection's `ready` event) and exponential backoff; a
 * `reset` event means events were missed and the caller should refetch what it shows.
 */

export interface SubscribeOptions {
  /** Only events of these runs (at most 1,000). */
  runIds?: readonly string[];
  onEvent: (event: ProjectEvent) => void;
  /** A connection failed or ended; the subscription retries unless the error is final (e.g. 404). */
  onError?: (error: unknown, willRetry: boolean) => void;
  /** A connection was established (every reconnect too). */
  onOpen?: () => void;
  signal?: AbortSignal;
  /** Resume after this event id (as the server sent it). */
  lastEventId?: string;
  /** First reconnect delay (ms, default the server's `retry:` hint or 1,000); doubles up to maxRetryMs. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export interface ProjectEventsSubscription {
  /** Stops the subscription and closes the connection. */
  close(): void;
  /** Settles when the subscription stopped (closed, aborted, or a final error). */
  readonly done: Promise<void>;
  /** The id of the last event received, for a later resume. */
  readonly lastEventId: string | undefined;
}

export type EventsTarget = LooplabClient | { url: string; fetch?: FetchLike; headers?: Record<string, string> };

const eventTypes = new Set(["run", "metrics", "logs", "reset", "ready"]);

export function subscribeProjectEvents(
  target: EventsTarget,
  project: string,
  options: SubscribeOptions,
): ProjectEventsSubscription {
  const client =
    target instanceof LooplabClient
      ? target
      : new LooplabClient({
          url: target.url,
          ...(target.fetch ? { fetch: target.fetch } : {}),
          ...(target.headers ? { headers: target.headers } : {}),
        });
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener("abort", abort, { once: true });
  let lastEventId = options.lastEventId;
  let serverRetryMs: number | undefined;
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  let attempt = 0;

  async function connectOnce(): Promise<void> {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (lastEventId !== undefined) headers["last-event-id"] = lastEventId;
    const query = options.runIds && options.runIds.length > 0 ? { runIds: options.runIds.join(",") } : {};
    const response = await client.call("projectEvents", {
      params: { project },
      query,
      headers,
      signal: controller.signal,
      timeoutMs: 0,
    });
    if (!response.body) throw new Error("the events response has no body");
    // Aborted while connecting, but the fetch implementation ignored the signal: close the body.
    if (controller.signal.aborted) {
      await response.body.cancel().catch(() => {});
      return;
    }
    attempt = 0;
    options.onOpen?.();
    await readEventStream(response.body, controller.signal, (field) => {
      if (field.retry !== undefined) serverRetryMs = field.retry;
      if (field.id !== undefined) lastEventId = field.id;
      if (field.type === undefined || !eventTypes.has(field.type)) return;
      const data: unknown = JSON.parse(field.data);
      // `ready` has no id but names the newest one: a reconnect before any other event resumes there.
      if (field.type === "ready") {
        const readyId = (data as { lastEventId?: unknown } | null)?.lastEventId;
        if (typeof readyId === "string" && readyId !== "") lastEventId = readyId;
      }
      const event = { type: field.type, id: field.id ?? lastEventId ?? "", data } as ProjectEvent;
      options.onEvent(event);
    });
  }

  const done = (async () => {
    while (!controller.signal.aborted) {
      try {
        await connectOnce();
        if (controller.signal.aborted) break;
        options.onError?.(new Error("the event stream ended"), true);
      } catch (error) {
        if (controller.signal.aborted) break;
        const retry = !isApiError(error) || isRetryable(error);
        options.onError?.(error, retry);
        if (!retry) break;
      }
      const base = options.minRetryMs ?? serverRetryMs ?? 1_000;
      const delay = Math.min(maxRetryMs, base * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      attempt = Math.min(attempt + 1, 16);
      await sleep(delay, controller.signal);
    }
    options.signal?.removeEventListener("abort", abort);
  })();

  return {
    close: abort,
    done,
    get lastEventId() {
      return lastEventId;
    },
  };
}

interface SseFields {
  type: string | undefined;
  id: string | undefined;
  data: string;
  retry: number | undefined;
}

/** Parses `text/event-stream` (WHATWG HTML §9.2) from a byte stream; resolves when it ends. */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  onEvent: (fields: SseFields) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const stop = () => void reader.cancel().catch(() => {});
  // The reader is cancelled on abort whether or not the fetch honoured the signal; an abort that
  // came before this point fired no event, so it is checked here.
  if (signal.aborted) {
    stop();
    return;
  }
  signal.addEventListener("abort", stop, { once: true });
  let buffer = "";
  let fields: SseFields = { type: undefined, id: undefined, data: "", retry: undefined };
  let hasData = false;
  const line = (text: string) => {
    if (text === "") {
      if (hasData || fields.retry !== undefined) onEvent(fields);
      fields = { type: undefined, id: undefined, data: "", retry: undefined };
      hasData = false;
      return;
    }
    if (text.startsWith(":")) return;
    const colon = text.indexOf(":");
    const name = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "event") fields.type = value;
    else if (name === "data") {
      fields.data = hasData ? `${fields.data}\n${value}` : value;
      hasData = true;
    } else if (name === "id" && !value.includes("\u0000")) fields.id = value;
    else if (name === "retry" && /^\d+$/.test(value)) fields.retry = Number(value);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let start = 0;
      for (;;) {
        const end = buffer.indexOf("\n", start);
        if (end < 0) break;
        line(buffer.slice(start, end).replace(/\r$/, ""));
        start = end + 1;
      }
      buffer = buffer.slice(start);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
