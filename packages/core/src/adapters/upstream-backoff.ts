// The backoff every HTTP adapter shares: retry what the service says is passing (its codes), never sooner than its
// `Retry-After`, and pass up a wait longer than we are willing to make.
import pRetry from 'p-retry';
import { UpstreamError } from '../errors';

export interface BackoffOptions {
  /** Attempts in all, the first included. */
  tries: number;
  /** Wait before the second attempt; each later wait doubles. */
  minDelayMs: number;
  /** Longest single wait, and the longest `Retry-After` waited for: a longer one is passed up. */
  maxDelayMs: number;
}

export function withUpstreamBackoff<R>(
  operation: () => Promise<R>,
  options: BackoffOptions & {
    /** UpstreamError codes that mean "try again" (rate limited, unavailable). */
    retryable: readonly string[];
    /** Epoch ms after which no further attempt starts. */
    deadline?: number;
  },
): Promise<R> {
  const { tries, minDelayMs, maxDelayMs, retryable, deadline } = options;
  const willRetry = (error: Error): error is UpstreamError =>
    (deadline === undefined || Date.now() + minDelayMs < deadline) &&
    error instanceof UpstreamError &&
    retryable.includes(error.code) &&
    (error.retryAfterMs ?? 0) <= maxDelayMs;
  return pRetry(operation, {
    retries: Math.max(1, Math.trunc(tries)) - 1,
    factor: 2,
    minTimeout: minDelayMs,
    maxTimeout: maxDelayMs,
    randomize: true,
    unref: true,
    shouldRetry: ({ error }) => willRetry(error),
    // p-retry's own wait is at least minDelay × 2^n; wait out the rest of what the service asked for first.
    onFailedAttempt: async ({ error, retriesConsumed, retriesLeft }) => {
      if (retriesLeft === 0 || !willRetry(error)) return;
      const extra = (error.retryAfterMs ?? 0) - Math.min(minDelayMs * 2 ** retriesConsumed, maxDelayMs);
      if (extra > 0) await new Promise((resolve) => setTimeout(resolve, extra).unref());
    },
  });
}
