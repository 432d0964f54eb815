// Retries of flaky downstream reads (Drive downloads, blob reads): a few tries, exponential backoff with jitter.
import pRetry from 'p-retry';
import { isPecuniaError, UpstreamError } from '../../errors';

/** Longest `Retry-After` honoured: a service asking for more has failed this analysis, not delayed it. */
const MAX_RETRY_AFTER_MS = 30_000;

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    // A pending wait must not keep a worker that is shutting down alive.
    setTimeout(resolve, ms).unref();
  });

export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  tries?: number;
  /** Wait before the second attempt; each later wait doubles (default 200 ms). */
  minDelayMs?: number;
  /** Longest single wait (default 2 s). */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { tries: 3, minDelayMs: 200, maxDelayMs: 2_000 };

/**
 * Runs `operation` until it succeeds or `tries` attempts have failed, then rethrows the last error. An expected domain
 * failure (a PecuniaError below 500: bad input, not found) is final at once: asking again cannot change the answer.
 * Waits are randomised (×1–2) so that workers failing together do not retry in lockstep.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions & { onRetry?: (error: Error, attempt: number) => void } = {},
): Promise<T> {
  const tries = Math.max(1, Math.trunc(options.tries ?? DEFAULT_RETRY.tries));
  return pRetry(operation, {
    retries: tries - 1,
    factor: 2,
    minTimeout: options.minDelayMs ?? DEFAULT_RETRY.minDelayMs,
    maxTimeout: options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    randomize: true,
    // A pending backoff must not keep a worker that is shutting down alive.
    unref: true,
    shouldRetry: ({ error }) => !(isPecuniaError(error) && error.status < 500),
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft === 0) return;
      options.onRetry?.(error, attemptNumber);
      // A service that said when to come back (429/503 with Retry-After) is not asked sooner; the backoff runs after.
      const asked = error instanceof UpstreamError ? error.retryAfterMs : undefined;
      if (asked !== undefined && asked > 0) await sleep(Math.min(asked, MAX_RETRY_AFTER_MS));
    },
  });
}
