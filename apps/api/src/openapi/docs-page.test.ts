import { existsSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../testing/test-server';
import { DOCS_PAGE_CSP, DOCS_PAGE_HTML, SWAGGER_UI_ASSETS, swaggerUiDirectory } from './docs-page';

const APP_CSP = "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";

describe('the docs page shell', () => {
  it('loads only listed files of this server, by URLs relative to /api/docs, and runs no inline script', () => {
    const urls = [...DOCS_PAGE_HTML.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);

    expect(urls.filter((url) => url.startsWith('docs/assets/')).map((url) => url.slice('docs/assets/'.length)).sort()).toEqual([...SWAGGER_UI_ASSETS].sort());
    expect(urls.filter((url) => !url.startsWith('docs/assets/'))).toEqual(['openapi.json', 'docs/init.js']);
    expect(DOCS_PAGE_HTML).not.toMatch(/<script>|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+=|<base\b/i);
  });

  it('finds every listed Swagger UI file on disk', () => {
    const directory = swaggerUiDirectory();
    for (const asset of SWAGGER_UI_ASSETS) expect(existsSync(path.join(directory, asset))).toBe(true);
  });
});

describe('the docs routes and the content security policies', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startTestServer();
  });
  afterAll(async () => {
    await api.close();
  });

  it('serves the page without a key under its own policy, which allows nothing from another origin', async () => {
    const res = await api.request('/api/docs', { key: null });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toBe(DOCS_PAGE_HTML);
    expect(res.headers.get('content-security-policy')).toBe(DOCS_PAGE_CSP);
    expect(DOCS_PAGE_CSP.split('; ')).toEqual(
      expect.arrayContaining(["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"]),
    );
    expect(DOCS_PAGE_CSP).not.toMatch(/https?:|\*|unsafe-/);
  });

  it('serves the initializer and the listed Swagger UI files, and nothing else of the package', async () => {
    const init = await api.request('/api/docs/init.js', { key: null });
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(await init.text()).toContain('SwaggerUIBundle(');
    for (const asset of SWAGGER_UI_ASSETS) {
      const res = await api.request(`/api/docs/assets/${asset}`, { key: null });
      expect([asset, res.status]).toEqual([asset, 200]);
      await res.body?.cancel();
    }

    for (const unlisted of ['/api/docs/assets/index.html', '/api/docs/assets/swagger-ui-bundle.js.map', '/api/docs/assets/..%2fpackage.json', '/api/docs/assets/', '/api/docs/init.js/x']) {
      const res = await api.request(unlisted, { key: null });
      expect([unlisted, res.status]).toEqual([unlisted, 404]);
      expect((await res.json()).code).toBe('ROUTE.NOT_FOUND');
    }
  });

  it('sends /api/docs/ back to /api/docs, where the relative links resolve', async () => {
    const res = await api.request('/api/docs/', { key: null, redirect: 'manual' });

    expect(res.status).toBe(301);
    expect(new URL(res.headers.get('location')!, `${api.url}/api/docs/`).pathname).toBe('/api/docs');
  });

  it('gives every other response the strict default policy and the rest of Helmet’s headers', async () => {
    for (const [pathAndQuery, key] of [['/api/health', null], ['/api/openapi.json', null], ['/api/trades?sheet_id=x', undefined], ['/api/nowhere', null]] as const) {
      const res = await api.request(pathAndQuery, { key });
      expect([pathAndQuery, res.headers.get('content-security-policy')]).toEqual([pathAndQuery, APP_CSP]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      await res.body?.cancel();
    }
  });
});
