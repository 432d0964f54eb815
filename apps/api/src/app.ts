// Builds the Express application from already-constructed services: no configuration or adapter choice happens here.
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { ApiKeyStore, IdempotencyStore, MediaStore, TradeCaptureService } from '@pecunia/core';
import { requireApiKey } from './http/auth';
import { jsonBodyParser, refuseEncodedBodies } from './http/body-limits';
import { onlyWhereRouted, series } from './http/compose';
import { corsFor } from './http/cors';
import { idempotent } from './http/idempotency';
import { perAddressLimit, perUserLimit, type RateLimits } from './http/rate-limit';
import { errorHandler, notFoundHandler } from './http/problem';
import { requestLog } from './http/request-log';
import { securityHeaders } from './http/security-headers';
import { docsRoutes } from './openapi/routes';
import type { ReadinessCheck } from '@pecunia/core/composition';
import { healthRoutes } from './routes/health';
import { mediaRoutes } from './routes/media';
import { redactSharedReportPath } from './routes/reports';
import { tradeRoutes } from './routes/trades';

export interface AppDeps {
  logger: Logger;
  apiKeys: ApiKeyStore;
  idempotency: IdempotencyStore;
  media: MediaStore;
  trades: TradeCaptureService;
  readiness: readonly ReadinessCheck[];
  defaultTimezone: string;
  /** Largest JSON body of an authenticated request (public routes take their own, small one). */
  maxBodyBytes: number;
  info: { version: string; mode: string };
  /** Requests per minute per user and per client address (0: that one off); absent: no limits. */
  rateLimits?: RateLimits;
  /** Browser origins CORS allows, exactly; absent or empty: none. */
  corsOrigins?: readonly string[];
  /** Express's `trust proxy`: the proxy hops (or addresses) whose X-Forwarded-For names the client; absent: none. */
  trustProxy?: false | number | readonly string[];
  /** Extra authenticated routers (analysis jobs …) mounted under /api. */
  routers?: readonly express.Router[];
  /** Routers reachable without an API key (the Google connect flow), mounted under /api before the key check. */
  publicRouters?: readonly express.Router[];
}

/**
 * The policy of every response that does not set its own: nothing may load, frame, or be submitted anywhere. A page
 * that needs more (the docs, the report, the Google callback) sets its own Content-Security-Policy in its route,
 * which runs after Helmet and so replaces this one.
 */
const DEFAULT_CSP = { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } };

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // The client address the per-address limit counts: the socket's, unless a trusted proxy says who it forwarded.
  app.set('trust proxy', Array.isArray(deps.trustProxy) ? [...deps.trustProxy] : (deps.trustProxy ?? false));
  const perAddressPerMinute = deps.rateLimits?.perAddressPerMinute ?? 0;
  const perUserPerMinute = deps.rateLimits?.perUserPerMinute ?? 0;
  const corsOrigins = deps.corsOrigins ?? [];

  // What every request goes through, as one layer (each Express layer costs a request a router step). In order:
  // Helmet's headers (its other headers at their defaults, HSTS included: browsers ignore it over plain HTTP), worked
  // out once; one log line per request (id, method, path, status, time, user: never headers with credentials, bodies
  // or share tokens); CORS, when origins are listed; and, from the headers alone, before any key check, the refusal of
  // a compressed body, which is never read, let alone inflated.
  app.use(
    series(
      securityHeaders({ contentSecurityPolicy: DEFAULT_CSP }),
      requestLog(deps.logger, { redactPath: redactSharedReportPath }),
      corsOrigins.length > 0 && corsFor(corsOrigins),
      refuseEncodedBodies,
    ),
  );

  // No body is read before the key check: public routes that take JSON parse it themselves with a small limit
  // (PUBLIC_JSON_LIMIT_BYTES); everything else gets its parser only once the caller is known and within quota.
  // Routers are mounted so that a request skips those with no route for its path (`onlyWhereRouted`); limits that
  // are off are not mounted at all.
  const api = express.Router();
  // Load balancers poll health: never rate limited.
  api.use(onlyWhereRouted(healthRoutes(deps.readiness, deps.info)));
  if (perAddressPerMinute > 0) api.use(perAddressLimit(perAddressPerMinute));
  api.use(onlyWhereRouted(docsRoutes()));
  for (const router of deps.publicRouters ?? []) api.use(onlyWhereRouted(router));
  api.use(series(requireApiKey(deps.apiKeys), perUserPerMinute > 0 && perUserLimit(perUserPerMinute)));
  // Trade writes read their own bodies (attachments kept as bytes, or a form streamed), so they come before the parser.
  // They are the busiest routes: added to this router itself rather than behind a router of their own.
  tradeRoutes({ trades: deps.trades, defaultTimezone: deps.defaultTimezone, idempotency: idempotent(deps.idempotency), maxBodyBytes: deps.maxBodyBytes }, api);
  // The raw bytes are checked (nesting depth, UTF-8) and hashed for Idempotency-Key before JSON.parse runs.
  api.use(series(...jsonBodyParser(deps.maxBodyBytes)));
  api.use(onlyWhereRouted(mediaRoutes(deps.media)));
  for (const router of deps.routers ?? []) api.use(onlyWhereRouted(router));
  app.use('/api', api);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
