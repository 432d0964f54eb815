// Builds the Express application from already-constructed services: no configuration or adapter choice happens here.
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { ApiKeyStore, IdempotencyStore, MediaStore, TradeCaptureService } from '@pecunia/core';
import { requireApiKey } from './http/auth';
import { idempotent } from './http/idempotency';
import { errorHandler, notFoundHandler } from './http/problem';
import { docsRoutes } from './openapi/routes';
import type { ReadinessCheck } from '@pecunia/core/composition';
import { healthRoutes } from './routes/health';
import { mediaRoutes } from './routes/media';
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

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
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
      // Only the request line and identity are logged: never headers with credentials, never bodies.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: (req) => ({ user_id: (req as { userId?: string }).userId }),
    }),
  );
  app.use(express.json({ limit: deps.maxBodyBytes, strict: true, type: ['application/json', 'application/*+json'] }));

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
