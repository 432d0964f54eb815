// Serves the API document (GET /openapi.json) and its HTML rendering (GET /docs); mounted under /api before auth.
import { Router } from 'express';
import { buildOpenApiDocument, type OpenAPIObject } from './document';
import { renderDocsPage } from './docs-page';

export function docsRoutes(): Router {
  const router = Router();
  // Built on first request, not at start-up: most processes never serve the docs.
  let document: OpenAPIObject | undefined;
  let page: string | undefined;
  const load = (): OpenAPIObject => (document ??= buildOpenApiDocument());

  router.get('/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(load());
  });

  router.get('/docs', (_req, res) => {
    page ??= renderDocsPage(load());
    // The page has no scripts and loads nothing: inline styles and same-origin links only.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  });

  return router;
}
