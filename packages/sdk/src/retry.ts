// Retries a request on 429/5xx answers and network errors, honouring Retry-After, with bounded backoff and jitter.
import { nextAttempt } from './replay';

export type FetchFn = (request: Request) => Promise<Response>;

/** Waits `ms`; rejects with the signal's reason as soon as it is aborted. Injectable so tests never really wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryOptions {
  /** Retries after the first attempt, 0–3. Default 3. */
  retries?: number;
  /** First backoff step in ms; it doubles on each retry. Default 500. */
  baseDelayMs?: number;
  /** Longest wait in ms, at most 30 000. A Retry-After beyond it is not waited for: the answer is returned. */
  maxDelayMs?: number;
  sleep?: Sleep;
  /** In [0, 1); the jitter source. */
  random?: () => number;
}

export const MAX_RETRIES = 3;
export const MAX_DELAY_MS = 30_000;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Whether sending the request again cannot do the work twice: safe or idempotent methods, and writes that carry an
 * Idempotency-Key (the API then answers a repeat with the first response).
 */
const replaySafe = (request: Request): boolean => SAFE_METHODS.has(request.method.toUpperCase()) || request.headers.has('idempotency-key');

function shouldRetry(request: Request, response: Response | undefined): boolean {
  if (!response) return replaySafe(request);
  const { status } = response;
  // 429 and 503 say the request was turned away before any work, so even a plain POST may be sent again.
  if (status === 429 || status === 503) return true;
  // An earlier attempt with this key is still running: once it finishes, a repeat gets its answer.
  if (status === 409 && request.headers.has('idempotency-key') && response.headers.has('retry-after')) return true;
  // Other 5xx may have happened after the work was done: only repeat what cannot be done twice. 501/505 never heal.
  return status >= 500 && status !== 501 && status !== 505 && replaySafe(request);
}

/** Wraps `fetchFn` so that each request is retried as described on RetryOptions; the same request (headers, Idempotency-Key, body) is sent each time. */
export function retryingFetch(fetchFn: FetchFn, options: RetryOptions = {}): FetchFn {
  const retries = Math.min(Math.max(Math.floor(options.retries ?? MAX_RETRIES), 0), MAX_RETRIES);
  const baseDelay = Math.max(options.baseDelayMs ?? 500, 0);
  const maxDelay = Math.min(Math.max(options.maxDelayMs ?? MAX_DELAY_MS, 0), MAX_DELAY_MS);
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;

  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      // A body can be read once: each attempt but the last sends a copy (its body made again when the request says how,
      // else a clone), and the original stays readable for the next attempt.
      const attemptRequest = attempt < retries ? nextAttempt(request) : request;
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await fetchFn(attemptRequest);
      } catch (error) {
        failure = error;
      }
      const last = attempt >= retries || request.signal.aborted || !shouldRetry(request, response);
      if (last) {
        if (response) return response;
        throw failure;
      }
      let delay = random() * Math.min(maxDelay, baseDelay * 2 ** attempt);
      const asked = response ? retryAfterMs(response.headers.get('retry-after')) : null;
      if (asked !== null) {
        // The server knows best when it will be able to answer; waiting less would just be refused again.
        if (asked > maxDelay) return response as Response;
        delay = asked;
      }
      // The unread body of a discarded answer would otherwise hold its connection open. Not awaited: cancelling a
      // teed body settles only once every branch is cancelled.
      void response?.body?.cancel().catch(() => undefined);
      await wait(delay, request.signal);
    }
  };
}
