// Idempotency-Key support: a retried write is answered with the first response and nothing is written twice.
import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IdempotencyStore } from '@pecunia/core';
import { callerOf } from './auth';
import { bodyDigest, bodyStillArriving, restOfBodyDigest } from './body-digest';
import { sendProblem } from './problem';
import { sendWriteResult } from './write-result';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The fingerprint a claim holds while its streamed body arrives: replaced by the real one with the answer. */
const STREAMING = 'streaming';

/** Response headers a replay repeats: where the created resource is. */
const REPLAYED_HEADERS = ['location'] as const;

export interface IdempotentOptions {
  /** Tries at storing a response before the key is marked `outcome_unknown` (default 3). */
  completeAttempts?: number;
  /** Pause before the second try, doubled for each further one (default 50 ms). */
  retryDelayMs?: number;
}

export function idempotent(store: IdempotencyStore, options: IdempotentOptions = {}): RequestHandler {
  const attempts = Math.max(1, options.completeAttempts ?? 3);
  const retryDelayMs = options.retryDelayMs ?? 50;

  // A request without the header goes straight on, without an async step (most requests have none).
  return (req, res, next) => {
    const key = req.get('Idempotency-Key');
    if (key === undefined) return next();
    return withKey(req, res, next, key);
  };

  async function withKey(req: Request, res: Response, next: NextFunction, key: string): Promise<void> {
    if (!KEY.test(key)) {
      return sendProblem(res, 400, 'IDEMPOTENCY.INVALID_KEY', 'Idempotency-Key must be 1–255 visible ASCII characters');
    }
    const owner = callerOf(req);
    // A body read as it streams (multipart) has no fingerprint until all of it has arrived: the key is claimed first,
    // so that a concurrent retry is turned away before any file is stored.
    let fingerprint = bodyStillArriving(req) ? undefined : fingerprintOf(req);
    const claim = await store.claim(owner, key, fingerprint ?? STREAMING);
    if (claim.state === 'in_progress') {
      res.setHeader('Retry-After', '1');
      return sendProblem(res, 409, 'IDEMPOTENCY.IN_PROGRESS', 'A request with this Idempotency-Key is still being processed');
    }
    if (claim.state === 'outcome_unknown' || claim.state === 'done') {
      // Only compared, never stored: a replay reads the rest of its body to fingerprint it, and writes nothing.
      if (fingerprint === undefined) {
        try {
          fingerprint = fingerprintWith(req, await restOfBodyDigest(req));
        } catch (error) {
          return next(error);
        }
      }
      const stored = claim.state === 'done' ? claim.response.fingerprint : claim.fingerprint;
      if (stored !== fingerprint) {
        return sendProblem(res, 422, 'IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used with a different request');
      }
    }
    if (claim.state === 'outcome_unknown') {
      return sendProblem(
        res,
        409,
        'IDEMPOTENCY.OUTCOME_UNKNOWN',
        'A request with this Idempotency-Key ran, but its answer could not be recorded: it may have been written. Check before sending it again with a new key.',
      );
    }
    if (claim.state === 'done') {
      res.setHeader('Idempotent-Replayed', 'true');
      const { status, body, headers } = claim.response;
      for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
      if (status >= 400) return void res.status(status).type('application/problem+json').send(JSON.stringify(body));
      // As the first answer went out (`sendWriteResult`): JSON with its length, no validator.
      return sendWriteResult(res, status, body);
    }
    // The first answer is stored before it is sent, whether or not the client is still connected: a client that gave
    // up waiting retries, and must get this answer rather than a second write. Server errors are stored too (as
    // Stripe does): the write may have reached the journal before the failure, so repeating it could write twice.
    // A 4xx (nothing was written) or a 503 (turned away, try later) releases the key, so the request may be retried
    // with it.
    // Taken where every answer ends (`res.json`, `res.send` and a route's own `res.end` alike), from the one chunk
    // `end` is given.
    let settled = false;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      // A second end while the first waits for the store has nothing left to send (Node ignores one after the end too).
      if (settled) return res.writableEnded ? end(...args) : res;
      settled = true;
      const status = res.statusCode;
      const sendOut = () => void end(...args);
      // A streamed body not read to its end is a request that wrote nothing (its row waits for the whole body).
      const final = fingerprint ?? (bodyStillArriving(req) ? undefined : fingerprintOf(req));
      // Part of the body went out already (res.write): what this end is given is not the whole answer, so nothing can
      // be replayed. The write may have happened, so the key is not released: it is marked outcome_unknown.
      if (res.headersSent) {
        void (final === undefined ? store.release(owner, key) : store.abandon(owner, key, final)).catch(() => undefined).finally(sendOut);
        return res;
      }
      if ((status >= 400 && status < 500) || status === 503 || final === undefined) {
        // Released before the answer goes out, so an immediate corrected retry never meets its own old claim.
        store
          .release(owner, key)
          .catch(() => undefined)
          .finally(sendOut);
        return res;
      }
      const response = { status, body: parseBody(typeof args[0] === 'function' ? undefined : args[0]), fingerprint: final, headers: replayedHeaders(res) };
      void remember(store, owner, key, response, { attempts, retryDelayMs, log: req.log }).finally(sendOut);
      return res;
    }) as Response['end'];
    next();
  }
}

/**
 * Stores the response, trying a few times. When it cannot be stored the write may well have happened, so the key is
 * never released (a retry would write again): it is marked `outcome_unknown`, and retries get a 409 saying so. The
 * answer itself still goes to this client — it is the truth about this request.
 */
async function remember(
  store: IdempotencyStore,
  owner: string,
  key: string,
  response: Parameters<IdempotencyStore['complete']>[2],
  { attempts, retryDelayMs, log }: { attempts: number; retryDelayMs: number; log: Request['log'] | undefined },
): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)));
    try {
      await store.complete(owner, key, response);
      return;
    } catch (error) {
      lastError = error;
    }
  }
  try {
    await store.abandon(owner, key, response.fingerprint);
    log?.error({ err: lastError, status: response.status }, 'idempotent response not stored; key marked outcome_unknown');
  } catch (error) {
    // Nothing more to do here: the claim stays in progress until its lease runs out.
    log?.error({ err: lastError, abandon_error: error instanceof Error ? error.message : String(error) }, 'idempotent response not stored; key left to its lease');
  }
}

/** Method, path with query and the exact body bytes (or a form's parts): the same key with any other request is a conflict. */
function fingerprintOf(req: Request): string {
  const digest = bodyDigest(req);
  // A parsed body that was not hashed means a JSON parser other than ours: a wiring bug, not a client's.
  if (digest === undefined && req.body !== undefined) throw new Error('idempotent() needs the JSON body parser of json-body.ts');
  return fingerprintWith(req, digest);
}

function fingerprintWith(req: Request, digest: string | undefined): string {
  return createHash('sha256').update(`${req.method} ${req.originalUrl}\n${digest ?? ''}`).digest('hex');
}

function replayedHeaders(res: Response): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}

/** Bodies reach `end` as the JSON text or bytes a route answered with; they are stored as values. */
function parseBody(body: unknown): unknown {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') : undefined;
  if (text === undefined) return body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
