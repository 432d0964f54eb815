// Serves the API document (GET /openapi.json) and its interactive reference (GET /docs, Swagger UI); mounted under /api before auth.
import express, { Router, type RequestHandler } from 'express';
import { notFoundHandler } from '../http/problem';
import { buildOpenApiDocument, type OpenAPIObject } from './document';
import { DOCS_INIT_JS, DOCS_PAGE_CSP, DOCS_PAGE_HTML, SWAGGER_UI_ASSETS, swaggerUiDirectory } from './docs-page';

/** Only the listed files of swagger-ui-dist are reachable: not its source maps, its demo page or its OAuth2 redirect page. */
function swaggerUiAssets(): RequestHandler[] {
  const listed = new Set<string>(SWAGGER_UI_ASSETS);
  const serve = express.static(swaggerUiDirectory(), { index: false, redirect: false, dotfiles: 'ignore' });
  return [(req, res, next) => (listed.has(req.path.slice(1)) ? serve(req, res, next) : notFoundHandler(req, res, next)), notFoundHandler];
}

export function docsRoutes(): Router {
  const router = Router();
  // Built on first request, not at start-up: most processes never serve the docs.
  let document: OpenAPIObject | undefined;
  const load = (): OpenAPIObject => (document ??= buildOpenApiDocument());
  const docsPolicy: RequestHandler = (_req, res, next) => {
    // Replaces the app-wide policy (app.ts) for the reference page only: its scripts and styles are files of this origin.
    res.setHeader('Content-Security-Policy', DOCS_PAGE_CSP);
    next();
  };

  router.get('/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(load());
  });

  router.get('/docs', docsPolicy, (req, res) => {
    // The page's links are relative to /api/docs: under /api/docs/ they would miss, so send the browser back.
    if (req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, '../docs');
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(DOCS_PAGE_HTML);
  });

  // Files, not API operations: served by middleware rather than routes, so they stay out of the API document.
  router.use('/docs/init.js', (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/') return notFoundHandler(req, res, next);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('js').send(DOCS_INIT_JS);
  });
  router.use('/docs/assets', ...swaggerUiAssets());

  return router;
}
