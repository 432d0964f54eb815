// One log line per request: its id, method, path, status, time and caller — never headers, bodies or share tokens.
//
// Written here rather than taken from pino-http, on a measurement: pino-http builds two child loggers for every
// request (serialising the request twice through the redaction paths) and a third on finish for the user id; on the
// ingest bench that was a fifth of the API's throughput. This does the same work with one log call per request and a
// child logger only when a handler asks for `req.log` (an error or a failed readiness check).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request's id: the caller's `X-Request-Id` when it is safe to echo, else a new UUID. */
    id?: string;
    /** A logger bound to this request (`req: {id, method, path}`), made on first use. */
    log?: Logger;
  }
}

/** What a caller may choose as its request id: short, and nothing a log line or header could be confused by. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export interface RequestLogOptions {
  /** The path as logged: a secret inside it (a share token) is replaced first. */
  redactPath?(path: string): string;
}

export function requestLog(logger: Logger, options: RequestLogOptions = {}): RequestHandler {
  const redactPath = options.redactPath ?? ((path: string) => path);
  // The request line holds only the fields below, which no redaction path of the API's logger matches (a test holds
  // it): it skips pino's redaction pass, which costs more than the rest of the line. Anything a handler logs through
  // `req.log` is still redacted.
  const lines = logger.child({}, { redact: [] });
  return (req, res, next) => {
    const startedAt = performance.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    // req.url as it arrived: routers strip their mount path from it later.
    const state: RequestLogState = { logger, id, url: req.url, redactPath, child: undefined };
    (req as LoggedRequest)[REQUEST_LOG] = state;
    withLogGetter(Object.getPrototypeOf(req) as object);
    // 'close' comes once for every response, after 'finish' (nothing left to send) or without it (the client went).
    res.once('close', () => {
      const fields = {
        req: lineOf(state, req.method),
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - startedAt),
        user_id: req.userId,
      };
      if (!res.writableFinished) lines.warn(fields, 'request aborted');
      else if (res.statusCode >= 500) lines.error(fields, 'request errored');
      else lines.info(fields, 'request completed');
    });
    next();
  };
}

/** What `req.log` is made from, kept on the request under a symbol. */
interface RequestLogState {
  logger: Logger;
  id: string;
  url: string;
  redactPath(path: string): string;
  child: Logger | undefined;
}

const REQUEST_LOG = Symbol('pecunia.requestLog');
type LoggedRequest = IncomingMessage & { [REQUEST_LOG]?: RequestLogState };

/** Request prototypes (an Express app's `request`) that have the `log` getter. */
const prototypesWithGetter = new WeakSet<object>();

/**
 * `req.log` is a getter defined once on the request's prototype (an Express app's `request`), which makes the child
 * logger from the request's state on first use: defining a getter on each request instead costs every request an
 * accessor of its own.
 */
function withLogGetter(prototype: object): void {
  if (prototypesWithGetter.has(prototype)) return;
  Object.defineProperty(prototype, 'log', {
    configurable: true,
    enumerable: false,
    get(this: LoggedRequest): Logger | undefined {
      const state = this[REQUEST_LOG];
      if (!state) return undefined;
      return (state.child ??= state.logger.child({ req: lineOf(state, this.method) }));
    },
  });
  prototypesWithGetter.add(prototype);
}

function lineOf(state: RequestLogState, method: string | undefined) {
  return { id: state.id, method, path: state.redactPath(state.url.split('?')[0] ?? '') };
}
