import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { z } from 'zod';
import { pngBytes, toBase64 } from '@pecunia/core/testing';
import { startTestServer, type TestServer } from '../testing/test-server';
import { buildOpenApiDocument, type OpenAPIObject } from './document';
import { listRoutes } from './express-routes';
import {
  captureResultSchema,
  healthSchema,
  jobCreatedSchema,
  jobListSchema,
  jobSchema,
  needsMoreInfoSchema,
  problemSchema,
  readinessSchema,
  submitCreatedSchema,
  tradePageSchema,
} from './response-schemas';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../../..');
const committedDocument = path.join(root, 'packages/sdk/openapi.json');
const REGENERATE = 'npm run generate -w @pecunia/sdk';
// Nothing may phone home from a test: no network exists where they run.
const quietEnv = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_UPDATE_NOTIFIER: '1' };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function documentedRoutes(document: OpenAPIObject): string[] {
  return Object.entries(document.paths ?? {})
    .flatMap(([route, item]) => Object.keys(item as object).filter((key) => METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${route}`))
    .sort();
}

describe('the committed API document', () => {
  it(`equals what the schemas produce now (else run: ${REGENERATE})`, () => {
    const committed: unknown = JSON.parse(readFileSync(committedDocument, 'utf8'));
    const fresh: unknown = JSON.parse(JSON.stringify(buildOpenApiDocument()));
    try {
      expect(committed).toEqual(fresh);
    } catch (error) {
      throw new Error(`packages/sdk/openapi.json is stale: the routes or schemas changed. Run \`${REGENERATE}\` and commit the result.\n\n${(error as Error).message}`);
    }
  });

  it('is OpenAPI 3.1, with bearer auth on every operation but health and docs', () => {
    const document = buildOpenApiDocument();
    expect(document.openapi).toBe('3.1.0');
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    const open = Object.entries(document.paths ?? {}).flatMap(([route, item]) =>
      METHODS.filter((m) => (item as Record<string, { security?: unknown[] }>)[m]?.security?.length === 0).map((m) => `${m} ${route}`),
    );
    // The Google callback is where a trader without a key yet arrives (authorize takes a key optionally); a share link
    // opens its report page for whoever holds it.
    expect(open.sort()).toEqual([
      'get /api/auth/google/callback',
      'get /api/docs',
      'get /api/health',
      'get /api/health/ready',
      'get /api/openapi.json',
      'get /api/shared/reports/{token}',
      'post /api/auth/google/callback',
    ]);
    const ids = Object.values(document.paths ?? {}).flatMap((item) => METHODS.map((m) => (item as Record<string, { operationId?: string }>)[m]?.operationId).filter(Boolean));
    expect(ids).toEqual(
      expect.arrayContaining(['logTrade', 'submitTrade', 'listTrades', 'getMedia', 'createAnalysisJob', 'getAnalysisJob', 'listAnalysisJobs', 'getHealth', 'getReadiness']),
    );
    for (const write of [document.paths?.['/api/trades']?.post, document.paths?.['/api/trades/submit']?.post]) {
      expect(write?.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    }
  });

  it('documents both trade writes as JSON and as a streamed multipart form (the trade part as JSON, then the files)', () => {
    const document = buildOpenApiDocument();
    const schemas = (document.components?.schemas ?? {}) as Record<string, { properties?: Record<string, unknown>; required?: string[] }>;

    for (const [route, form] of [['/api/trades', 'LogTradeForm'], ['/api/trades/submit', 'SubmitTradeForm']] as const) {
      const body = document.paths?.[route]?.post?.requestBody as { content: Record<string, { schema: unknown; encoding?: unknown }> };
      expect(Object.keys(body.content)).toEqual(['application/json', 'multipart/form-data']);
      expect(body.content['multipart/form-data']).toEqual({
        schema: { $ref: `#/components/schemas/${form}` },
        encoding: { trade: { contentType: 'application/json' }, attachments: { contentType: 'image/*, audio/*, video/*' } },
      });
      expect(schemas[form]?.required).toEqual(['trade']);
      expect(schemas[form]?.properties?.['attachments']).toMatchObject({ type: 'array', maxItems: 10, items: { type: 'string', format: 'binary' } });
    }
    expect(schemas['LogTradeFormTrade']?.properties).not.toHaveProperty('attachments');
    expect(schemas['SubmitTradeFormTrade']?.required).toEqual(['content']);
  });

  it('passes redocly lint (redocly.yaml at the repository root)', async () => {
    const result = await run('npx', ['--no', 'redocly', 'lint', 'packages/sdk/openapi.json', '--format', 'json'], { cwd: root, env: quietEnv, maxBuffer: 16 << 20 }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`redocly lint failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      },
    );
    const report = JSON.parse(result.stdout) as { totals: { errors: number; warnings: number } };
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('is what packages/sdk/src/generated/api.ts was generated from', async () => {
    const sdk = path.join(root, 'packages/sdk');
    const script = (JSON.parse(readFileSync(path.join(sdk, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['generate:types'] ?? '';
    expect(script).toMatch(/^openapi-typescript openapi\.json -o src\/generated\/api\.ts\b/);
    const flags = script.split(/\s+/).filter((arg) => arg.startsWith('--'));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-openapi-ts-'));
    try {
      await run('npx', ['--no', 'openapi-typescript', 'openapi.json', '-o', path.join(dir, 'api.ts'), ...flags], { cwd: sdk, env: quietEnv });
      const expected = readFileSync(path.join(dir, 'api.ts'), 'utf8');
      const committed = readFileSync(path.join(sdk, 'src/generated/api.ts'), 'utf8');
      if (committed !== expected) throw new Error(`packages/sdk/src/generated/api.ts is stale or edited by hand. Run \`${REGENERATE}\`.`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the API document against the running API', () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startTestServer();
  });
  afterAll(async () => {
    await api.close();
  });

  it('documents every route the app serves, and only those', () => {
    const { app } = api;
    const served = listRoutes(app).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    const documented = documentedRoutes(buildOpenApiDocument());
    const missing = served.filter((r) => !documented.includes(r));
    const unserved = documented.filter((r) => !served.includes(r));
    // An unserved /api/docs or /api/openapi.json means docsRoutes() is not mounted under /api in createApp.
    expect({ missing, unserved }).toEqual({ missing: [], unserved: [] });
  });

  it('serves the document and its HTML page without a key', async () => {
    const json = await api.request('/api/openapi.json', { key: null });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    const html = await api.request('/api/docs', { key: null });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('<div id="swagger-ui"></div>');
  });

  it('answers with bodies that match the response schemas', async () => {
    const expectShape = async (res: Response | Promise<Response>, status: number, schema: z.ZodType) => {
      const response = await res;
      expect(response.status).toBe(status);
      const body: unknown = await response.json();
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw new Error(`${response.url} → ${JSON.stringify(body)}\n${parsed.error.message}`);
    };
    const trade = { ticker: 'aapl', position_type: 'long', pnl: 185, entry_timestamp: '2026-03-02T09:41', exit_timestamp: '2026-03-02T10:15' };
    const attachments = [{ filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) }];

    await expectShape(api.request('/api/health', { key: null }), 200, healthSchema);
    await expectShape(api.request('/api/health/ready', { key: null }), 200, readinessSchema);
    await expectShape(api.request('/api/trades?sheet_id=shapes', { json: { ...trade, attachments } }), 201, captureResultSchema);
    await expectShape(api.request('/api/trades/submit?sheet_id=shapes', { json: { content: 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185' } }), 201, submitCreatedSchema);
    await expectShape(api.request('/api/trades/submit?sheet_id=shapes', { json: { content: 'Bought some AAPL' } }), 202, needsMoreInfoSchema);
    await expectShape(api.request('/api/trades?sheet_id=shapes'), 200, tradePageSchema);
    await expectShape(api.request('/api/trades?sheet_id=shapes', { json: { ...trade, pnl: 'x' } }), 400, problemSchema);
    await expectShape(api.request('/api/trades?sheet_id=shapes', { key: 'wrong' }), 401, problemSchema);

    const created = await api.request('/api/analysis/jobs', { json: { sheet_id: 'shapes', prompt: 'How am I doing?' } });
    const { job_id: jobId } = (await created.clone().json()) as { job_id: string };
    await expectShape(created, 202, jobCreatedSchema);
    await expectShape(api.request(`/api/analysis/jobs/${jobId}`), 200, jobSchema);
    await expectShape(api.request('/api/analysis/jobs?limit=5'), 200, jobListSchema);
    await expectShape(api.request('/api/analysis/jobs/not-a-job'), 404, problemSchema);
  });
});
