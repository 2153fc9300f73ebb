import type { RouteName, Routes } from "@looplab/core";
import type { z } from "zod";

/**
 * Request and response types derived from the route contracts: requests take the schemas'
 * input types (defaults optional, shorthands such as `tags: ["baseline"]` allowed), responses
 * are the schemas' output types.
 */
type Part<R, K extends "params" | "query" | "body"> = R extends { [P in K]: infer S extends z.ZodType }
  ? object extends z.input<S>
    ? { [P in K]?: z.input<S> }
    : { [P in K]: z.input<S> }
  : { [P in K]?: never };

export interface RequestOptions {
  signal?: AbortSignal;
  /** Extra headers for this request only. */
  headers?: Record<string, string>;
  /** Overrides the client's request timeout (ms); 0 disables it. */
  timeoutMs?: number;
}

export type CallInput<N extends RouteName> = Part<Routes[N], "params"> &
  Part<Routes[N], "query"> &
  Part<Routes[N], "body"> &
  RequestOptions;

/** The parsed JSON body for routes with a response schema; the raw `Response` for streamed ones. */
export type CallOutput<N extends RouteName> = Routes[N] extends { response: infer S extends z.ZodType }
  ? z.output<S>
  : Response;

export type CallArgs<N extends RouteName> =
  object extends CallInput<N> ? [input?: CallInput<N>] : [input: CallInput<N>];

export type RouteBody<N extends RouteName> = Routes[N] extends { body: infer S extends z.ZodType } ? z.input<S> : never;
export type RouteQuery<N extends RouteName> = Routes[N] extends { query: infer S extends z.ZodType }
  ? z.input<S>
  : never;
