// The interactive API reference: Swagger UI's own files, an HTML shell that loads them, and the script that starts it.
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The files of swagger-ui-dist the page loads, and the only ones served from it. `npm run build:api` copies them (and
 * the package's LICENSE and NOTICE) beside the bundled main.js: tools/src/build-api.ts keeps its own copy of this list,
 * and its test loads every asset the page links from the built server.
 */
export const SWAGGER_UI_ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png'] as const;

/**
 * The page's policy: its own scripts, styles and images (data: ones are its stylesheet's icons) only, requests to
 * this origin only (Try it out), no fonts (its stylesheet names system fonts). No 'unsafe-inline' for styles: Swagger
 * UI sets element styles from script (React, through the CSSOM), which a policy does not restrict — checked in
 * Chromium with every operation, example and schema expanded and a call made, at both widths.
 */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Where the Swagger UI files are: beside the bundled main.js when `build:api` put them there, else the installed
 * package (resolved through its package.json: its main module would load the 1.5 MB browser bundle into Node).
 */
export function swaggerUiDirectory(): string {
  const bundled = path.join(__dirname, 'swagger-ui');
  if (existsSync(path.join(bundled, 'swagger-ui-bundle.js'))) return bundled;
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

// Every URL is relative to /api/docs, so the page works wherever a proxy mounts the API (PUBLIC_BASE_URL with a path).
export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pecunia API reference</title>
<link rel="icon" type="image/png" sizes="32x32" href="docs/assets/favicon-32x32.png">
<link rel="icon" type="image/png" sizes="16x16" href="docs/assets/favicon-16x16.png">
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head><body>
<noscript><p>This reference needs JavaScript. The OpenAPI document itself: <a href="openapi.json">openapi.json</a>.</p></noscript>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body></html>
`;

/**
 * Starts Swagger UI on this server's document. A file rather than an inline script, so the CSP needs no 'unsafe-inline'
 * for scripts. The document names `http://localhost:8000` as its server; "Try it out" must call the server that
 * served the page instead (another origin would be refused by connect-src 'self'), so the one server offered is the
 * base this page sits under: the API's paths all start with /api, and the page is at <base>/api/docs.
 */
export const DOCS_INIT_JS = `'use strict';
(function () {
  var documentUrl = new URL('openapi.json', window.location.href);
  var base = new URL('..', documentUrl).href.replace(/\\/$/, '');
  var root = document.getElementById('swagger-ui');
  fetch(documentUrl, { headers: { Accept: 'application/json' } })
    .then(function (response) {
      if (!response.ok) throw new Error('GET ' + documentUrl.pathname + ' answered ' + response.status);
      return response.json();
    })
    .then(function (spec) {
      spec.servers = [{ url: base, description: 'This server' }];
      window.ui = SwaggerUIBundle({
        spec: spec,
        dom_id: '#swagger-ui',
        presets: [SwaggerUIBundle.presets.apis],
        layout: 'BaseLayout',
        deepLinking: true,
        tryItOutEnabled: true,
        persistAuthorization: false,
        displayRequestDuration: true,
        defaultModelsExpandDepth: 0,
        validatorUrl: null,
      });
      window.ui.specActions.updateUrl(documentUrl.href);
    })
    .catch(function (error) {
      var message = document.createElement('p');
      message.textContent = 'The API document could not be loaded: ' + error.message;
      root.appendChild(message);
    });
})();
`;
