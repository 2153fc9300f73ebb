import { type ErrorCode, isErrorCode, LooplabError } from "@looplab/core";

/**
 * The server answered with a non-2xx status. `code`, `message` and `details` are the server's
 * (`{ error: { code, message, details } }`); `httpStatus` is what the wire said, which may differ
 * from `status` (the code's canonical status) when a proxy answered instead of Looplab.
 */
export class LooplabApiError extends LooplabError {
  readonly httpStatus: number;
  /** From a `Retry-After` header (429/503), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, details: unknown, httpStatus: number, retryAfterMs?: number) {
    super(code, message, details);
    this.name = "LooplabApiError";
    this.httpStatus = httpStatus;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The request never got an HTTP answer (connection refused/reset, DNS, timeout). Code UNAVAILABLE. */
export class LooplabNetworkError extends LooplabError {
  readonly timedOut: boolean;

  constructor(message: string, cause: unknown, timedOut = false) {
    super("UNAVAILABLE", message, { cause: describeCause(cause), timedOut });
    this.name = "LooplabNetworkError";
    this.timedOut = timedOut;
  }
}

export function isApiError(value: unknown): value is LooplabApiError {
  return value instanceof LooplabApiError;
}

export function isNetworkError(value: unknown): value is LooplabNetworkError {
  return value instanceof LooplabNetworkError;
}

/**
 * Whether sending the same request again may succeed: network errors, 408, 429 and every 5xx.
 * Other 4xx answers are final.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof LooplabNetworkError) return true;
  if (error instanceof LooplabApiError) {
    const s = error.httpStatus;
    return s === 408 || s === 429 || s >= 500;
  }
  return false;
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "FAILED_PRECONDITION";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 422:
      return "UNPROCESSABLE";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 408:
    case 502:
    case 503:
    case 504:
      return "UNAVAILABLE";
    default:
      return status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
  }
}

function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Builds the error for a non-2xx response from its body text (JSON error body or anything else). */
export function apiErrorFrom(
  status: number,
  bodyText: string,
  retryAfter: string | null,
  nowMs: number,
): LooplabApiError {
  const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error !== undefined && isErrorCode(error.code)) {
    const message = typeof error.message === "string" ? error.message : `HTTP ${status}`;
    return new LooplabApiError(error.code, message, error.details, status, retryAfterMs);
  }
  const snippet = bodyText.length > 500 ? `${bodyText.slice(0, 500)}…` : bodyText;
  return new LooplabApiError(
    codeForStatus(status),
    `HTTP ${status}${snippet ? `: ${snippet}` : ""}`,
    undefined,
    status,
    retryAfterMs,
  );
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause;
    const innerText = inner instanceof Error ? `: ${(inner as { code?: string }).code ?? inner.message}` : "";
    return `${cause.name}: ${cause.message}${innerText}`;
  }
  return String(cause);
}
