/**
 * The one error class of Looplab (DESIGN.md §2.7). Codes form a closed set; each maps to one
 * HTTP status in `httpStatusOf`, the only place where that mapping lives.
 */
export const errorCodes = [
  "INVALID_ARGUMENT",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "FAILED_PRECONDITION",
  "PAYLOAD_TOO_LARGE",
  "RESOURCE_EXHAUSTED",
  "UNPROCESSABLE",
  "RANGE_NOT_SATISFIABLE",
  "UNAUTHENTICATED",
  "PERMISSION_DENIED",
  "UNAVAILABLE",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

const statusByCode: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  PAYLOAD_TOO_LARGE: 413,
  RESOURCE_EXHAUSTED: 413,
  UNPROCESSABLE: 422,
  RANGE_NOT_SATISFIABLE: 416,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function httpStatusOf(code: ErrorCode): number {
  return statusByCode[code];
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class LooplabError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "LooplabError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return httpStatusOf(this.code);
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }
}

export function isLooplabError(value: unknown): value is LooplabError {
  return value instanceof LooplabError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (errorCodes as readonly string[]).includes(value);
}

export const invalidArgument = (message: string, details?: unknown) =>
  new LooplabError("INVALID_ARGUMENT", message, details);
export const notFound = (message: string, details?: unknown) => new LooplabError("NOT_FOUND", message, details);
export const failedPrecondition = (message: string, details?: unknown) =>
  new LooplabError("FAILED_PRECONDITION", message, details);
export const alreadyExists = (message: string, details?: unknown) =>
  new LooplabError("ALREADY_EXISTS", message, details);
