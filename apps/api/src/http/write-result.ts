// The JSON answer to a write: a trade logged or submitted, an analysis job queued (and their replays by Idempotency-Key).
import type { Response } from 'express';

/**
 * Sends `body` as JSON with `status` (and a `Location`, already encoded), without the ETag Express's `res.json` would hash the body for. A validator in a
 * 201 describes the representation of the resource created (RFC 9110 §8.8, §15.3.2), which this body — the trade,
 * its files and where it went — is not (`GET` on its Location answers the trade alone); a 202 creates nothing yet.
 */
export function sendWriteResult(res: Response, status: number, body: unknown, location?: string): void {
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  res.statusCode = status;
  // Built from encoded parts (`encodeURIComponent`, `URLSearchParams`): nothing for Express's `res.location` to encode.
  if (location !== undefined) res.setHeader('Location', location);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', json.length);
  res.end(json);
}
