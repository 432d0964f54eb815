// Builds the Express application from already-constructed services: no configuration or adapter choice happens here.
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { ApiKeyStore, IdempotencyStore, MediaStore, TradeCaptureService } from '@pecunia/core';
import { requireApiKey } from './http/auth';
import { idempotent } from './http/idempotency';
import { verifyJsonBody } from './http/json-body';
import { errorHandler, notFoundHandler } from './http/problem';
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
  maxBodyBytes: number;
  info: { version: string; mode: string };
  /** Extra authenticated routers (analysis jobs …) mounted under /api. */
  routers?: readonly express.Router[];
  /** Routers reachable without an API key (the Google connect flow), mounted under /api before the key check. */
  publicRouters?: readonly express.Router[];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The policy of every response that does not set its own: nothing may load, frame, or be submitted anywhere. A page
 * that needs more (the docs, the report, the Google callback) sets its own Content-Security-Policy in its route,
 * which runs after Helmet and so replaces this one.
 */
const DEFAULT_CSP = { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } };

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Helmet's other headers at their defaults (HSTS included: browsers ignore it over plain HTTP).
  app.use(helmet({ contentSecurityPolicy: DEFAULT_CSP }));
  app.set('query parser', 'simple');
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Only the request line and identity are logged: never headers with credentials, never bodies, never share tokens.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: redactSharedReportPath(req.url.split('?')[0] ?? '') }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: (req) => ({ user_id: (req as { userId?: string }).userId }),
    }),
  );
  // verify: the raw bytes are checked (nesting depth, UTF-8) and hashed for Idempotency-Key before JSON.parse runs.
  app.use(express.json({ limit: deps.maxBodyBytes, strict: true, type: ['application/json', 'application/*+json'], verify: verifyJsonBody }));

  const api = express.Router();
  api.use(healthRoutes(deps.readiness, deps.info));
  api.use(docsRoutes());
  for (const router of deps.publicRouters ?? []) api.use(router);
  api.use(requireApiKey(deps.apiKeys));
  api.use(tradeRoutes({ trades: deps.trades, defaultTimezone: deps.defaultTimezone, idempotency: idempotent(deps.idempotency) }));
  api.use(mediaRoutes(deps.media));
  for (const router of deps.routers ?? []) api.use(router);
  app.use('/api', api);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
