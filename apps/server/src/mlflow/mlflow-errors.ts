import { type ErrorCode, isLooplabError } from "@looplab/core";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";

/**
 * Errors of the MLflow-compatible API (MLFLOW-API.md §5.4). MLflow clients read
 * `{"error_code", "message"}` and decide on the HTTP status (the Python client retries 5xx for
 * minutes), so every client mistake must end as a 4xx here, never a 500.
 */
export const mlflowErrorCodes = [
  "INVALID_PARAMETER_VALUE",
  "BAD_REQUEST",
  "RESOURCE_ALREADY_EXISTS",
  "RESOURCE_DOES_NOT_EXIST",
  "NOT_FOUND",
  "ENDPOINT_NOT_FOUND",
  "ALREADY_EXISTS",
  "RESOURCE_CONFLICT",
  "ABORTED",
  "PERMISSION_DENIED",
  "UNAUTHENTICATED",
  "CUSTOMER_UNAUTHORIZED",
  "REQUEST_LIMIT_EXCEEDED",
  "RESOURCE_EXHAUSTED",
  "CANCELLED",
  "NOT_IMPLEMENTED",
  "TEMPORARILY_UNAVAILABLE",
  "DEADLINE_EXCEEDED",
  "INTERNAL_ERROR",
  "INVALID_STATE",
  "DATA_LOSS",
] as const;

export type MlflowErrorCode = (typeof mlflowErrorCodes)[number];

const statusByMlflowCode: Record<MlflowErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  RESOURCE_CONFLICT: 409,
  ABORTED: 409,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  CUSTOMER_UNAUTHORIZED: 401,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
};

/** MLflow's `ERROR_CODE_TO_HTTP_STATUS` (mlflow/exceptions.py). */
export function mlflowHttpStatus(code: MlflowErrorCode): number {
  return statusByMlflowCode[code];
}

export interface MlflowErrorBody {
  error_code: MlflowErrorCode;
  message: string;
}

export class MlflowError extends Error {
  readonly errorCode: MlflowErrorCode;
  /** HTTP status; MLflow's mapping unless a Looplab error asked for a more precise 4xx (413, 416). */
  readonly status: number;

  constructor(errorCode: MlflowErrorCode, message: string, status?: number) {
    super(message);
    this.name = "MlflowError";
    this.errorCode = errorCode;
    this.status = status ?? mlflowHttpStatus(errorCode);
  }

  toBody(): MlflowErrorBody {
    return { error_code: this.errorCode, message: this.message };
  }
}

export function isMlflowError(value: unknown): value is MlflowError {
  return value instanceof MlflowError;
}

export const invalidParameter = (message: string) => new MlflowError("INVALID_PARAMETER_VALUE", message);
export const resourceDoesNotExist = (message: string) => new MlflowError("RESOURCE_DOES_NOT_EXIST", message);
export const resourceAlreadyExists = (message: string) => new MlflowError("RESOURCE_ALREADY_EXISTS", message);

/**
 * Looplab's closed error codes → MLflow's. FAILED_PRECONDITION (e.g. writing to a deleted run)
 * is a 400 INVALID_PARAMETER_VALUE in MLflow ("must be in the 'active' state"), not a 500.
 */
const mlflowCodeByLooplabCode: Record<ErrorCode, { code: MlflowErrorCode; status?: number }> = {
  INVALID_ARGUMENT: { code: "INVALID_PARAMETER_VALUE" },
  NOT_FOUND: { code: "RESOURCE_DOES_NOT_EXIST" },
  ALREADY_EXISTS: { code: "RESOURCE_ALREADY_EXISTS" },
  FAILED_PRECONDITION: { code: "INVALID_PARAMETER_VALUE" },
  PAYLOAD_TOO_LARGE: { code: "INVALID_PARAMETER_VALUE", status: 413 },
  // a quota, not a rate: 413 so the Python client does not retry it (it retries 429) for minutes
  RESOURCE_EXHAUSTED: { code: "RESOURCE_EXHAUSTED", status: 413 },
  UNPROCESSABLE: { code: "INVALID_PARAMETER_VALUE" },
  RANGE_NOT_SATISFIABLE: { code: "INVALID_PARAMETER_VALUE", status: 416 },
  UNAUTHENTICATED: { code: "UNAUTHENTICATED" },
  PERMISSION_DENIED: { code: "PERMISSION_DENIED" },
  UNAVAILABLE: { code: "TEMPORARILY_UNAVAILABLE" },
  INTERNAL: { code: "INTERNAL_ERROR" },
};

export function mlflowCodeForLooplabCode(code: ErrorCode): MlflowErrorCode {
  return mlflowCodeByLooplabCode[code].code;
}

/** Any thrown value → an MlflowError (LooplabError, zod/Fastify validation, Fastify client errors). */
export function toMlflowError(error: unknown): MlflowError {
  if (isMlflowError(error)) return error;
  if (isLooplabError(error)) {
    const mapped = mlflowCodeByLooplabCode[error.code];
    return new MlflowError(mapped.code, error.message, mapped.status);
  }
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const first = fastifyError.validation[0];
    const where = first?.instancePath ? first.instancePath.replaceAll("/", ".").replace(/^\./, "") : "request";
    return invalidParameter(`Invalid value for parameter '${where}': ${first?.message ?? "invalid"}`);
  }
  const status = fastifyError?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    if (status === 404) return new MlflowError("ENDPOINT_NOT_FOUND", fastifyError.message);
    if (status === 413) return new MlflowError("INVALID_PARAMETER_VALUE", fastifyError.message, 413);
    if (status === 415) return new MlflowError("BAD_REQUEST", fastifyError.message, 400);
    return new MlflowError("BAD_REQUEST", fastifyError.message, status === 400 ? 400 : status);
  }
  return new MlflowError("INTERNAL_ERROR", "internal error");
}

/** The error handler of the MLflow route scope: `{"error_code","message"}` with MLflow's status. */
export function mlflowErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const mlflowError = toMlflowError(error);
  if (mlflowError.status >= 500) request.log.error({ err: error }, "unhandled error in MLflow API");
  void reply.status(mlflowError.status).send(mlflowError.toBody());
}
