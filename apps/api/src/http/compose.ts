// Composing middleware with fewer Express layers: each layer a request passes costs the router a match, a params
// step and a try/catch, and a router a request enters without finding a route hands it on through `setImmediate` —
// a trip around the event loop for every router mounted before the one that answers.
import type { Request, RequestHandler, Response, Router } from 'express';

type Handler = RequestHandler | null | undefined | false;

/**
 * The handlers run in turn as one middleware, as consecutive `use` layers would run them: a handler that throws, or
 * whose promise rejects, passes its error on (a rejection without a reason as "Rejected promise", as Express does),
 * and an error (or `'route'`/`'router'`) skips the rest and goes to the enclosing router. Absent handlers (a feature
 * turned off) are left out at composition time. For this API's own middleware, none of which calls `next('route')`.
 */
export function series(...handlers: readonly Handler[]): RequestHandler {
  const list = handlers.filter((handler): handler is RequestHandler => typeof handler === 'function');
  if (list.length === 0) return (_req, _res, next) => next();
  if (list.length === 1) return list[0]!;
  return (req, res, next) => new Series(list, req, res, next).step();
}

/** One request's way through a `series`. (A class: under tsx, a closure named per request costs a defineProperty.) */
class Series {
  private index = 0;
  private readonly next: (error?: unknown) => void;

  constructor(
    private readonly list: readonly RequestHandler[],
    private readonly req: Request,
    private readonly res: Response,
    private readonly done: (error?: unknown) => void,
  ) {
    this.next = (error?: unknown) => this.step(error);
  }

  step(error?: unknown): void {
    if (error) return this.done(error);
    if (this.index === this.list.length) return this.done();
    const handler = this.list[this.index++]!;
    try {
      const result: unknown = handler(this.req, this.res, this.next);
      if (isThenable(result)) result.then(undefined, (reason: unknown) => this.next(reason || new Error('Rejected promise')));
    } catch (thrown) {
      this.next(thrown);
    }
  }
}

/** As Express tells a handler's promise (is-promise). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return !!value && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

interface MatchingLayer {
  match(path: string): unknown;
}

/**
 * `router` mounted so that a request none of its routes or mounts can match skips it at once, instead of entering it,
 * trying each route and leaving on the next turn of the event loop. Whether any layer matches is the router's own test
 * (`Layer#match` on the path), asked of its stack as it is at the time of the request; a path the test cannot decode
 * is left to the router, which answers it as it always did.
 */
export function onlyWhereRouted(router: Router): RequestHandler {
  const stack = (router as unknown as { stack: MatchingLayer[] }).stack;
  const gate: RequestHandler = (req, res, next) => {
    let path: string;
    try {
      path = req.path;
      for (const layer of stack) if (layer.match(path)) return router(req, res, next);
    } catch {
      return router(req, res, next);
    }
    next();
  };
  // Still a router to whatever lists routes (the API document's check, Router#listRoutes): its stack, its listing.
  return Object.assign(gate, { stack, listRoutes: () => (router as unknown as { listRoutes(): unknown }).listRoutes() });
}
