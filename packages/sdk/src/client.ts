import { type RouteContract, type RouteName, type Routes, routes } from "@looplab/core";
import { apiErrorFrom, LooplabNetworkError } from "./client-errors.js";
import type { CallArgs, CallInput, CallOutput, RequestOptions, RouteBody, RouteQuery } from "./route-types.js";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:7000` (routes carry their `/api/v1` prefix). */
  url: string;
  /** Defaults to `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Sent with every request (e.g. `authorization` once API tokens exist). */
  headers?: Record<string, string>;
  /** Per-request timeout in ms (default 30 000; 0 disables). A timeout is a network error. */
  timeoutMs?: number;
  /** Parse responses with the route's zod schema (default false: the server already did). */
  validateResponses?: boolean;
  /** Clock for Retry-After dates; injectable for tests. */
  now?: () => number;
}

interface RawRequest {
  params?: Record<string, unknown> | undefined;
  query?: Record<string, unknown> | undefined;
  /** Already serialised JSON. */
  bodyText?: string | undefined;
}

/**
 * A typed client over any `fetch`, built from the route contracts of `@looplab/core`:
 * `client.call("getRun", { params: { runId } })`. Non-2xx answers throw `LooplabApiError`
 * (a `LooplabError` with the server's code, message and details); requests that never got an
 * answer throw `LooplabNetworkError` (code `UNAVAILABLE`).
 */
export class LooplabClient {
  readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly validateResponses: boolean;
  private readonly now: () => number;

  constructor(options: ClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, "");
    if (options.fetch === undefined && typeof globalThis.fetch !== "function") {
      throw new TypeError("no fetch available: pass options.fetch");
    }
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.headers = { ...options.headers };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.validateResponses = options.validateResponses ?? false;
    this.now = options.now ?? Date.now;
  }

  /** Calls one route of the contract with typed params, query and body. */
  async call<N extends RouteName>(name: N, ...args: CallArgs<N>): Promise<CallOutput<N>> {
    const input = (args[0] ?? {}) as CallInput<N> & { params?: object; query?: object; body?: unknown };
    const raw: RawRequest = {
      params: input.params as Record<string, unknown> | undefined,
      query: input.query as Record<string, unknown> | undefined,
      bodyText: input.body === undefined ? undefined : JSON.stringify(input.body),
    };
    const response = await this.send(name, raw, input);
    return this.readResponse(name, response) as Promise<CallOutput<N>>;
  }

  health(): Promise<CallOutput<"health">> {
    return this.call("health");
  }

  createRun(body: RouteBody<"createRun">): Promise<CallOutput<"createRun">> {
    return this.call("createRun", { body });
  }

  getRun(runId: string): Promise<CallOutput<"getRun">> {
    return this.call("getRun", { params: { runId } });
  }

  updateRun(runId: string, body: RouteBody<"updateRun">): Promise<CallOutput<"updateRun">> {
    return this.call("updateRun", { params: { runId }, body });
  }

  searchRuns(body: RouteBody<"searchRuns">): Promise<CallOutput<"searchRuns">> {
    return this.call("searchRuns", { body });
  }

  logMetrics(runId: string, body: RouteBody<"logMetrics">): Promise<CallOutput<"logMetrics">> {
    return this.call("logMetrics", { params: { runId }, body });
  }

  listSeries(runId: string): Promise<CallOutput<"listSeries">> {
    return this.call("listSeries", { params: { runId } });
  }

  seriesPoints(runId: string, query: RouteQuery<"seriesPoints">): Promise<CallOutput<"seriesPoints">> {
    return this.call("seriesPoints", { params: { runId }, query });
  }

  putMetricDefinition(project: string, key: string, goal: "min" | "max"): Promise<CallOutput<"putMetricDefinition">> {
    return this.call("putMetricDefinition", { params: { project, key }, body: { goal } });
  }

  /**
   * Sends a route with a body that is already JSON text (the run logger's batches, spooled
   * records): no re-serialisation, the bytes on the wire are exactly `bodyText`.
   */
  async callWithBodyText<N extends RouteName>(
    name: N,
    params: Record<string, string> | undefined,
    bodyText: string,
    options: RequestOptions = {},
  ): Promise<CallOutput<N>> {
    const response = await this.send(name, { params, bodyText }, options);
    return this.readResponse(name, response) as Promise<CallOutput<N>>;
  }

  private async send(name: RouteName, raw: RawRequest, options: RequestOptions): Promise<Response> {
    const route: RouteContract = routes[name];
    const url = this.baseUrl + buildPath(route.path, raw.params) + buildQuery(raw.query);
    const headers: Record<string, string> = { accept: "application/json", ...this.headers, ...options.headers };
    if (raw.bodyText !== undefined) headers["content-type"] = "application/json";
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signal = combineSignals(options.signal, timeout);
    const init: RequestInit = { method: route.method, headers };
    if (raw.bodyText !== undefined) init.body = raw.bodyText;
    if (signal !== undefined) init.signal = signal;
    let response: Response;
    try {
      response = await this.fetchFn(url, init);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      const timedOut = timeout?.aborted === true;
      const what = timedOut ? `timed out after ${timeoutMs} ms` : "failed";
      throw new LooplabNetworkError(`${route.method} ${route.path} ${what}`, error, timedOut);
    }
    if (response.ok) return response;
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new LooplabNetworkError(`${route.method} ${route.path}: response body lost`, error);
    }
    throw apiErrorFrom(response.status, text, response.headers.get("retry-after"), this.now());
  }

  private async readResponse(name: RouteName, response: Response): Promise<unknown> {
    const route: RouteContract = routes[name];
    if (route.response === undefined) return response;
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new LooplabNetworkError(`${route.method} ${route.path}: response body lost`, error);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw apiErrorFrom(502, text, null, this.now());
    }
    return this.validateResponses ? route.response.parse(value) : value;
  }
}

export function createClient(options: ClientOptions): LooplabClient {
  return new LooplabClient(options);
}

function buildPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/:([A-Za-z0-9_]+)/g, (_, key: string) => {
    const value = params?.[key];
    if (value === undefined || value === null) throw new TypeError(`missing path parameter "${key}"`);
    return encodeURIComponent(String(value));
  });
}

function buildQuery(query: Record<string, unknown> | undefined): string {
  if (query === undefined) return "";
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return AbortSignal.any([a, b]);
}

export type { Routes };
