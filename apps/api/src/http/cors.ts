// Cross-origin access for browser clients: closed unless CORS_ORIGINS lists the exact origins allowed.
import cors from 'cors';
import type { RequestHandler } from 'express';

/** What the SDK sends: its key, JSON, retry-safe writes and a correlation id. */
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'];
/** What a browser client needs to read back: where a created resource is, when to retry, the request id, a replay. */
const EXPOSED_HEADERS = ['Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed'];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];

/**
 * CORS for exactly `origins` (no wildcard; the key travels in Authorization, so no cookies and no credentials mode).
 * A preflight from an allowed origin is answered 204 here; from any other origin it gets no CORS headers at all, and
 * the browser refuses the request. With no origin listed nothing is added and preflights fall through to a 404.
 */
export function corsFor(origins: readonly string[]): RequestHandler {
  if (origins.length === 0) return (_req, _res, next) => next();
  const allowed = new Set(origins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
}
