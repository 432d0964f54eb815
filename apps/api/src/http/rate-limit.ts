// Request quotas per minute: per user behind the key check, per client address in front of it (express-rate-limit).
import type { RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { sendProblem } from './problem';

const MINUTE_MS = 60_000;

export interface RateLimits {
  /** Requests per minute of one user (all of their keys together); 0: no limit. */
  perUserPerMinute: number;
  /** Requests per minute from one client address without a valid key (failed key checks included); 0: no limit. */
  perAddressPerMinute: number;
}

const passThrough: RequestHandler = (_req, _res, next) => next();

/** The 429 both limits answer: problem+json with a code; express-rate-limit has set Retry-After (seconds) already. */
const tooMany: RequestHandler = (_req, res) =>
  sendProblem(res, 429, 'REQUEST.RATE_LIMITED', 'Too many requests; wait for the time in Retry-After before sending more');

/**
 * Per client address (the socket's, or the one `trust proxy` allows X-Forwarded-For to name; IPv6 grouped by /56 as
 * the library does). It runs before the key check, so key guessing is bounded and each guess costs a lookup at most;
 * a request that turns out to carry a valid key is given back when it finishes, so traders sharing an address (an
 * office, a NAT) are limited by their own per-user quota instead. Memory-backed: each API process counts on its own.
 */
export function perAddressLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) return passThrough;
  return rateLimit({
    windowMs: MINUTE_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown'),
    skipSuccessfulRequests: true,
    requestWasSuccessful: (req) => req.userId !== undefined,
    handler: tooMany,
  });
}

/** Per authenticated user, after the key check: one user cannot take the server from the others. */
export function perUserLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) return passThrough;
  return rateLimit({
    windowMs: MINUTE_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `user:${req.userId ?? ''}`,
    handler: tooMany,
  });
}
