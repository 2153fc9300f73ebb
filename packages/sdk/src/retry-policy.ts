export interface RetryPolicy {
  /** First delay, ms (default 250). */
  baseDelayMs: number;
  /** Longest delay, ms (default 30 000). */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 250, maxDelayMs: 30_000 };

/**
 * Exponential backoff with jitter: attempt n waits between half and all of
 * `min(max, base·2^(n-1))`, and never less than a server's `Retry-After`.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  const delay = ceiling * (0.5 + random() * 0.5);
  return Math.max(delay, retryAfterMs ?? 0);
}
