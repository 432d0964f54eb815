// Draining the HTTP server at shutdown: no new connection, requests in flight finish within a grace period, and a
// request arriving meanwhile on a kept-alive connection is turned away with a 503.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { problemBody } from './problem';

/** How long, after the grace period, cut requests get to run their handlers out (cleanup, idempotency release). */
const DEFAULT_SETTLE_MS = 2_000;

export interface DrainOutcome {
  /** Requests being handled when the drain began. */
  inFlight: number;
  /** Requests still unanswered when the grace period ran out: their connections were closed. */
  cut: number;
  /** Cut requests whose handlers had still not finished when the drain gave up on them. */
  unsettled: number;
}

export interface Drain {
  /** Requests being handled now. */
  inFlight(): number;
  /** Stops accepting and waits for the requests in flight (at most `graceMs`, then cuts them); once only. */
  drain(graceMs: number): Promise<DrainOutcome>;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Takes over `server`'s request listeners (the Express app): from here on a request counts as in flight from its
 * headers until its handler ends the response — which it does even when the client has gone, so a cut request is
 * waited for until its handler has cleaned up after itself (files it stored, its idempotency claim).
 */
export function drainOnShutdown(server: Server, options: { settleMs?: number } = {}): Drain {
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const open = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  let draining = false;
  let drained: Promise<DrainOutcome> | null = null;

  const changed = () => {
    if (waiters.size === 0) return;
    for (const wake of [...waiters]) wake();
  };
  /** Resolves true when `done()` holds, false when `ms` ran out first. */
  const until = (done: () => boolean, ms: number) =>
    new Promise<boolean>((resolve) => {
      if (done()) return resolve(true);
      const check = () => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), ms);
      const finish = (result: boolean) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(result);
      };
      waiters.add(check);
    });

  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (draining) return refuse(res);
    open.add(res);
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      // Answered while draining: the connection closes after this response instead of waiting idle.
      if (draining && !res.headersSent) res.setHeader('Connection', 'close');
      const result = end(...args);
      if (open.delete(res)) {
        changed();
        if (draining) setImmediate(() => server.closeIdleConnections());
      }
      return result;
    }) as ServerResponse['end'];
    for (const listener of listeners) listener.call(server, req, res);
  });

  let closed = false;
  server.once('close', () => {
    closed = true;
    changed();
  });

  return {
    inFlight: () => open.size,
    drain: (graceMs) =>
      (drained ??= (async () => {
        draining = true;
        const inFlight = open.size;
        // No new connection from here (the listening socket closes); idle kept-alive ones close now, busy ones after
        // their response.
        server.close();
        server.closeIdleConnections();
        // Done when every connection is gone: the last responses have been flushed, not merely ended.
        if (await until(() => open.size === 0 && closed, graceMs)) return { inFlight, cut: 0, unsettled: 0 };
        const cut = open.size;
        server.closeAllConnections();
        // A response already under way (a file streamed to a client that stopped reading) has no handler left to wait
        // for; one not yet answered has, and it ends its response once it has cleaned up.
        for (const res of [...open]) if (res.headersSent) open.delete(res);
        await until(() => open.size === 0, settleMs);
        return { inFlight, cut, unsettled: open.size };
      })()),
  };
}

function refuse(res: ServerResponse): void {
  const body = JSON.stringify(problemBody(503, 'SERVER.SHUTTING_DOWN', 'This server is shutting down; send the request again'));
  res.writeHead(503, {
    'Content-Type': 'application/problem+json',
    'Content-Length': Buffer.byteLength(body),
    'Retry-After': '5',
    Connection: 'close',
  });
  res.end(body);
}
