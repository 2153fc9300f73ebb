import type { RouteContract } from "@looplab/core";
import { errorBodySchema } from "@looplab/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { z } from "zod";

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface RouteInput<C extends RouteContract> {
  params: C["params"] extends z.ZodType ? z.output<C["params"]> : Record<string, never>;
  query: C["query"] extends z.ZodType ? z.output<C["query"]> : Record<string, never>;
  body: Infer<C["body"]>;
  request: FastifyRequest;
  reply: FastifyReply;
}

export type RouteHandler<C extends RouteContract> = (
  input: RouteInput<C>,
) => Promise<C["response"] extends z.ZodType ? z.input<C["response"]> : unknown>;

/** Registers a handler for a contract of packages/core: validation and OpenAPI come from its schemas. */
export function registerRoute<C extends RouteContract>(app: FastifyInstance, contract: C, handler: RouteHandler<C>) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const status = contract.status ?? 200;
  const response: Record<number, z.ZodType> = { 400: errorBodySchema, 404: errorBodySchema };
  if (contract.response) response[status] = contract.response;
  typed.route({
    method: contract.method,
    url: contract.path,
    schema: {
      summary: contract.summary,
      ...(contract.params ? { params: contract.params } : {}),
      ...(contract.query ? { querystring: contract.query } : {}),
      ...(contract.body ? { body: contract.body } : {}),
      response,
    },
    handler: async (request, reply) => {
      const result = await handler({
        params: request.params as RouteInput<C>["params"],
        query: request.query as RouteInput<C>["query"],
        body: request.body as RouteInput<C>["body"],
        request,
        reply,
      });
      if (reply.sent || contract.response === undefined) return reply;
      return reply.status(status).send(result);
    },
  });
}
