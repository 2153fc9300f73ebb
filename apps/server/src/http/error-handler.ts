import { type ErrorCode, isLooplabError, LooplabError } from "@looplab/core";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";

interface Issue {
  path: string;
  message: string;
}

function issuePath(context: string, instancePath: string): string {
  const parts = instancePath
    .split("/")
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`));
  return `${context}${parts.join("")}`;
}

/** Fastify's own client errors (bad JSON, body too large, wrong content type) keep their 4xx meaning. */
function codeForFastifyError(error: FastifyError): ErrorCode | null {
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE" || error.statusCode === 413) return "PAYLOAD_TOO_LARGE";
  if (error.statusCode === 404) return "NOT_FOUND";
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return "INVALID_ARGUMENT";
  return null;
}

/** The single place where errors become HTTP responses (DESIGN.md §2.7). */
export function toLooplabError(error: unknown): LooplabError {
  if (isLooplabError(error)) return error;
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const context = fastifyError.validationContext ?? "request";
    const issues: Issue[] = fastifyError.validation.map((v) => ({
      path: issuePath(context, v.instancePath),
      message: v.message ?? "invalid",
    }));
    const first = issues[0];
    const message = first ? `${first.path}: ${first.message}` : "invalid request";
    return new LooplabError("INVALID_ARGUMENT", message, { issues });
  }
  const code = codeForFastifyError(fastifyError);
  if (code) return new LooplabError(code, fastifyError.message);
  return new LooplabError("INTERNAL", "internal error");
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const looplabError = toLooplabError(error);
  if (looplabError.code === "INTERNAL") request.log.error({ err: error }, "unhandled error");
  void reply.status(looplabError.status).send(looplabError.toBody());
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const error = new LooplabError("NOT_FOUND", `no route ${request.method} ${request.url.split("?")[0]}`);
  void reply.status(404).send(error.toBody());
}
