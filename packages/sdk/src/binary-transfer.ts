import { type RouteContract, type RouteName, routes } from "@looplab/core";
import type { FetchLike } from "./client.js";
import { apiErrorFrom, LooplabNetworkError } from "./client-errors.js";
import type { CallOutput } from "./route-types.js";

export interface BinaryTransferOptions {
  /** Server base URL (as for `LooplabClient`). */
  url: string;
  fetch?: FetchLike;
  /** The fetch for requests that send bytes (upload parts); default `fetch`. */
  bodyFetch?: FetchLike;
  headers?: Record<string, string>;
  /** Longest a request may wait for its answer to begin, or a download for its next bytes, ms (default 120 000; 0 disables). */
  idleTimeoutMs?: number;
  now?: () => number;
}

export interface BinaryRequest {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * The raw-bytes side of the API, beside the JSON-only `LooplabClient`: sends
 * `application/octet-stream` bodies (upload parts, one-shot files) and opens streamed
 * responses (downloads, with `Range`). Works over any injected `fetch`, in Node and browsers.
 * Errors are the client's: `LooplabApiError` for non-2xx answers, `LooplabNetworkError` when no
 * answer came (or a download stalled for `idleTimeoutMs`).
 */
export class BinaryTransfer {
  readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly bodyFetchFn: FetchLike;
  private readonly headers: Record<string, string>;
  private readonly idleTimeoutMs: number;
  private readonly now: () => number;

  constructor(options: BinaryTransferOptions) {
    this.baseUrl = options.url.replace(/\/+$/, "");
    if (options.fetch === undefined && typeof globalThis.fetch !== "function") {
      throw new TypeError("no fetch available: pass options.fetch");
    }
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.bodyFetchFn = options.bodyFetch ?? this.fetchFn;
    this.headers = { ...options.headers };
    this.idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
    this.now = options.now ?? Date.now;
  }

  /** Sends `bytes` as the body of a raw-body route and parses its JSON answer. */
  async sendBytes<N extends RouteName>(
    name: N,
    bytes: Uint8Array,
    request: BinaryRequest = {},
  ): Promise<CallOutput<N>> {
    const headers = { "content-type": "application/octet-stream", accept: "application/json", ...request.headers };
    const response = await this.request(name, request, headers, bytes);
    const route: RouteContract = routes[name];
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new LooplabNetworkError(`${route.method} ${route.path}: response body lost`, error);
    }
    try {
      return JSON.parse(text) as CallOutput<N>;
    } catch {
      throw apiErrorFrom(502, text, null, this.now());
    }
  }

  /**
   * Opens a streamed response (a download); `offset` > 0 asks for the bytes from there on
   * (`Range`). The caller reads `body` with `readChunks`, which applies the idle timeout.
   */
  async open<N extends RouteName>(name: N, request: BinaryRequest = {}, offset = 0): Promise<Response> {
    const headers: Record<string, string> = { ...request.headers };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    return this.request(name, request, headers, undefined);
  }

  /** The chunks of a streamed body; a stall longer than the idle timeout is a network error. */
  async *readChunks(response: Response, what: string): AsyncGenerator<Uint8Array> {
    const body = response.body;
    if (body === null) return;
    const reader = body.getReader();
    try {
      for (;;) {
        const next = await this.withIdleTimeout(reader.read(), what, () => void reader.cancel().catch(() => {}));
        if (next.done) return;
        yield next.value;
      }
    } catch (error) {
      if (error instanceof LooplabNetworkError) throw error;
      throw new LooplabNetworkError(`${what}: download interrupted`, error);
    } finally {
      reader.releaseLock();
    }
  }

  private async request(
    name: RouteName,
    request: BinaryRequest,
    extraHeaders: Record<string, string>,
    body: Uint8Array | undefined,
  ): Promise<Response> {
    const route: RouteContract = routes[name];
    const url = this.baseUrl + buildPath(route.path, request.params) + buildQuery(request.query);
    const controller = new AbortController();
    const onAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener("abort", onAbort, { once: true });
    const init: RequestInit = {
      method: route.method,
      headers: { ...this.headers, ...extraHeaders },
      signal: controller.signal,
    };
    if (body !== undefined) init.body = body as unknown as NonNullable<RequestInit["body"]>;
    let response: Response;
    try {
      const fetchFn = body === undefined ? this.fetchFn : this.bodyFetchFn;
      response = await this.withIdleTimeout(fetchFn(url, init), `${route.method} ${route.path}`, () =>
        controller.abort(),
      );
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason ?? error;
      if (error instanceof LooplabNetworkError) throw error;
      throw new LooplabNetworkError(`${route.method} ${route.path} failed`, error);
    } finally {
      request.signal?.removeEventListener("abort", onAbort);
    }
    if (response.ok) return response;
    let text = "";
    try {
      text = await response.text();
    } catch (error) {
      throw new LooplabNetworkError(`${route.method} ${route.path}: response body lost`, error);
    }
    throw apiErrorFrom(response.status, text, response.headers.get("retry-after"), this.now());
  }

  private withIdleTimeout<T>(promise: Promise<T>, what: string, onTimeout: () => void): Promise<T> {
    const ms = this.idleTimeoutMs;
    if (ms <= 0) return promise;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        onTimeout();
        reject(new LooplabNetworkError(`${what} timed out after ${ms} ms without progress`, undefined, true));
      }, ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

function buildPath(template: string, params: Record<string, string | number> | undefined): string {
  return template.replace(/:([A-Za-z0-9_]+)/g, (_, key: string) => {
    const value = params?.[key];
    if (value === undefined) throw new TypeError(`missing path parameter "${key}"`);
    return encodeURIComponent(String(value));
  });
}

function buildQuery(query: Record<string, string | number | boolean | undefined> | undefined): string {
  if (query === undefined) return "";
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/** Lowercase hex sha256 of some bytes (Web Crypto: Node ≥ 20 and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes as unknown as ArrayBuffer);
  let text = "";
  for (const b of new Uint8Array(digest)) text += b.toString(16).padStart(2, "0");
  return text;
}
