/**
 * Registering an endpoint of the MLflow-compatible API.
 *
 * ```ts
 * registerMlflowRoute(
 *   scope,                                   // the MLflow plugin scope (see mlflow-plugin.ts), not the root app
 *   { method: "POST", path: "/mlflow/experiments/create", body: z.object({ name: z.string() }) },
 *   async ({ body }) => ({ experiment_id: "1" }),
 * );
 * ```
 * - `path` is appended to each prefix: `/api/2.0` and `/ajax-api/2.0` by default; pass
 *   `prefixes: ["/api/2.0", "/ajax-api/2.0", "/api/3.0", "/ajax-api/3.0"]` for routes that MLflow
 *   also serves under 3.0, or `prefixes: [""]` for a bare path such as `/health`.
 *   Fastify params are allowed (`/mlflow/logged-models/:model_id`) and arrive in `params`.
 * - GET/DELETE-without-body endpoints take their arguments from the query string (`query` schema;
 *   repeated keys for lists: wrap list fields in `repeated(...)` from mlflow-json.ts);
 *   POST/PATCH/PUT/DELETE take a JSON object body (`body` schema). Both are validated here, not
 *   by Fastify, so a failure answers MLflow's 400 INVALID_PARAMETER_VALUE with MLflow's wording
 *   ("Missing value for required parameter 'name'").
 * - POST and PUT without a Content-Type header get 400 BAD_REQUEST, as MLflow.
 * - The handler returns the response object (omit unset fields; see `compact`), a `JsonText`
 *   (JSON it built itself), or nothing for MLflow's `{}`; it may also answer through `reply`
 *   itself (streams, text bodies).
 * - Throw `MlflowError` or `LooplabError`: the scope's error handler answers
 *   `{"error_code","message"}` with MLflow's status.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import type { z } from "zod";
import { invalidParameter, MlflowError } from "./mlflow-errors.js";

export const MLFLOW_V2_PREFIXES = ["/api/2.0", "/ajax-api/2.0"] as const;
export const MLFLOW_V2_V3_PREFIXES = ["/api/2.0", "/ajax-api/2.0", "/api/3.0", "/ajax-api/3.0"] as const;

export interface MlflowRouteSpec<Q extends z.ZodType | undefined, B extends z.ZodType | undefined> {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  prefixes?: readonly string[];
  query?: Q;
  body?: B;
  /** Leave the body unparsed (raw uploads): the handler reads `request.raw`. */
  rawBody?: boolean;
}

type Out<T> = T extends z.ZodType ? z.output<T> : Record<string, never>;

export interface MlflowRouteInput<Q, B> {
  query: Out<Q>;
  body: Out<B>;
  params: Record<string, string>;
  request: FastifyRequest;
  reply: FastifyReply;
}

export type MlflowRouteHandler<Q, B> = (input: MlflowRouteInput<Q, B>) => Promise<unknown>;

/** A handler result that is already JSON text (large number-heavy answers): sent as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** MLflow's wording for a schema failure (MLFLOW-API.md §5.4). */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String).join(".") || "request";
  let value: unknown = input;
  for (const part of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey];
  if (value === undefined)
    return `Missing value for required parameter '${path}'. See the API docs for more information about request parameters.`;
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return `Invalid value ${shown} for parameter '${path}' supplied: ${issue.message}`;
}

export function parseMlflowInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0];
  throw invalidParameter(first ? describeIssue(first, input ?? {}) : "invalid request");
}

export function registerMlflowRoute<
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(app: FastifyInstance, spec: MlflowRouteSpec<Q, B>, handler: MlflowRouteHandler<Q, B>): void {
  const prefixes = spec.prefixes ?? MLFLOW_V2_PREFIXES;
  const needsContentType = (spec.method === "POST" || spec.method === "PUT") && !spec.rawBody;
  for (const prefix of prefixes) {
    app.route({
      method: spec.method as HTTPMethods,
      url: `${prefix}${spec.path}`,
      schema: { hide: true },
      onRequest: async (request) => {
        if (needsContentType && request.headers["content-type"] === undefined) {
          throw new MlflowError("BAD_REQUEST", "Bad Request. Content-Type header is missing.");
        }
      },
      handler: async (request, reply) => {
        const query = (spec.query ? parseMlflowInput(spec.query, request.query) : {}) as Out<Q>;
        const body = (spec.body && !spec.rawBody ? parseMlflowInput(spec.body, request.body) : {}) as Out<B>;
        const result = await handler({
          query,
          body,
          params: (request.params ?? {}) as Record<string, string>,
          request,
          reply,
        });
        if (reply.sent) return reply;
        return reply
          .status(200)
          .type("application/json")
          .send(result instanceof JsonText ? result.text : (result ?? {}));
      },
    });
  }
}
