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
      const { status, body } = claim.response;
      if (status >= 400) return res.status(status).type('application/problem+json').send(JSON.stringify(body));
      return res.status(status).json(body);
    }
    // The first answer is stored before it is sent, whether or not the client is still connected: a client that gave
    // up waiting retries, and must get this answer rather than a second write. Server errors are stored too (as
    // Stripe does): the write may have reached the journal before the failure, so repeating it could write twice.
    // A 4xx (nothing was written) or a 503 (turned away, try later) releases the key, so the request may be retried
    // with it.
    let settled = false;
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      if (settled) return send(body);
      settled = true;
      const status = res.statusCode;
      if ((status >= 400 && status < 500) || status === 503) {
        // Released before the answer goes out, so an immediate corrected retry never meets its own old claim.
        store
          .release(owner, key)
          .catch(() => undefined)
          .finally(() => send(body));
        return res;
      }
      store.complete(owner, key, { status, body: parseBody(body), fingerprint }).then(
        () => send(body),
        (error: unknown) => {
          void store.release(owner, key).catch(() => undefined);
          next(error);
        },
      );
      return res;
    };
    next();
  };
}

/** Bodies reach `send` as the JSON text `res.json` made; they are stored as values. */
function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body instanceof Buffer ? body.toString('utf8') : body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
