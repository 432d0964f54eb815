// Idempotency-Key support: a retried write is answered with the first response and nothing is written twice.
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { IdempotencyStore } from '@pecunia/core';
import { callerOf } from './auth';
import { sendProblem } from './problem';

const KEY = /^[\x21-\x7e]{1,255}$/;

export function idempotent(store: IdempotencyStore): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('Idempotency-Key');
    if (key === undefined) return next();
    if (!KEY.test(key)) {
      return sendProblem(res, 400, 'IDEMPOTENCY.INVALID_KEY', 'Idempotency-Key must be 1–255 visible ASCII characters');
    }
    const owner = callerOf(req);
    const fingerprint = createHash('sha256')
      .update(`${req.method} ${req.originalUrl}\n`)
      .update(JSON.stringify(req.body ?? null))
      .digest('hex');
    const claim = await store.claim(owner, key, fingerprint);
    if (claim.state === 'in_progress') {
      res.setHeader('Retry-After', '1');
      return sendProblem(res, 409, 'IDEMPOTENCY.IN_PROGRESS', 'A request with this Idempotency-Key is still being processed');
    }
    if (claim.state === 'done') {
      if (claim.response.fingerprint !== fingerprint) {
        return sendProblem(res, 422, 'IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used with a different request');
      }
      res.setHeader('Idempotent-Replayed', 'true');
      return res.status(claim.response.status).json(claim.response.body);
    }
    // A success is stored before it is sent, and whether or not the client is still connected: a client that gave up
    // waiting retries, and must get this answer rather than a second write. Only a request that ended in an error
    // releases its claim, so a corrected request may be retried with the same key.
    let remembered = false;
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      const status = res.statusCode;
      if (status >= 300 || remembered) return send(body);
      store.complete(owner, key, { status, body, fingerprint }).then(
        () => {
          remembered = true;
          send(body);
        },
        (error: unknown) => next(error),
      );
      return res;
    };
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      if (!remembered && res.statusCode >= 300) void store.release(owner, key).catch(() => undefined);
      return end(...args);
    }) as typeof res.end;
    next();
  };
}
