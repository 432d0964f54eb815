import { pngBytes, toBase64 } from '@pecunia/core/testing';
import { startTestServer, type TestServer } from './testing/test-server';

const trade = { ticker: 'AAPL', position_type: 'long', pnl: 10, entry_timestamp: '2026-03-02T09:41', exit_timestamp: '2026-03-02T10:15' };

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer({ MAX_BODY_MB: '1' });
});
afterAll(async () => {
  await api.close();
});

describe('health', () => {
  it('answers liveness without a key', async () => {
    const res = await api.request('/api/health', { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', mode: 'local' });
  });

  it('names the adapter serving each port in readiness', async () => {
    const body = await (await api.request('/api/health/ready', { key: null })).json();
    expect(body.status).toBe('ready');
    expect(body.adapters).toEqual([
      { port: 'journal', family: 'local', adapter: 'sqlite', status: 'ready' },
      { port: 'media', family: 'local', adapter: 'filesystem', status: 'ready' },
      { port: 'apiKeys', family: 'local', adapter: 'sqlite', status: 'ready' },
      { port: 'jobs', family: 'local', adapter: 'sqlite', status: 'ready' },
      { port: 'tokens', family: 'local', adapter: 'sqlite', status: 'ready' },
      { port: 'nonces', family: 'local', adapter: 'sqlite', status: 'ready' },
      { port: 'idempotency', family: 'local', adapter: 'sqlite', status: 'ready' },
      { port: 'schedules', family: 'local', adapter: 'sqlite', status: 'ready' },
      { port: 'shareLinks', family: 'local', adapter: 'sqlite', status: 'ready' },
      { port: 'queue', family: 'local', adapter: 'sqlite-queue', status: 'ready' },
      { port: 'extractor', family: 'local', adapter: 'rule-based', status: 'ready' },
      { port: 'coach', family: 'local', adapter: 'local-rule-based', status: 'ready' },
    ]);
  });
});

describe('authentication and isolation', () => {
  it.each([
    [null, 'AUTH.MISSING_KEY'],
    ['pk_not-a-real-key', 'AUTH.INVALID_KEY'],
  ])('refuses key %p with 401 %s', async (key, code) => {
    const res = await api.request('/api/trades?sheet_id=x', { key });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await res.json()).code).toBe(code);
  });

  it("never shows one user's rows or files to another, even with the same sheet id", async () => {
    const attachments = [{ filename: 'c.png', mime_type: 'image/png', data: toBase64(pngBytes()) }];
    const created = await (await api.request('/api/trades?sheet_id=shared-name', { json: { ...trade, attachments } })).json();
    const otherKey = await api.keyFor('someone-else');

    const rows = await api.request('/api/trades?sheet_id=shared-name', { key: otherKey });
    expect(rows.status).toBe(404);
    const file = await api.request(new URL(created.attachments[0].link).pathname, { key: otherKey });
    expect(file.status).toBe(404);
    expect((await file.json()).code).toBe('MEDIA.NOT_FOUND');

    await api.request('/api/trades?sheet_id=shared-name', { key: otherKey, json: { ...trade, pnl: -5 } });
    const mine = await (await api.request('/api/trades?sheet_id=shared-name')).json();
    expect(mine.trades.map((t: { pnl: number }) => t.pnl)).toEqual([10]);
  });

  it('refuses a body over the configured limit with 413', async () => {
    const res = await api.request('/api/trades?sheet_id=x', { json: { ...trade, notes: 'x'.repeat(2 * 1024 * 1024) } });
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('BODY.TOO_LARGE');
  });

  it.each(['/api/media/%ZZ', '/api/analysis/jobs/%E0%A4%A'])('answers a malformed path escape %s with 400', async (path) => {
    const res = await api.request(path);
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('REQUEST.INVALID_PATH');
  });

  it('answers headers too large for the server with a 431 problem', async () => {
    const res = await api.request('/api/health', { headers: { 'X-Padding': 'x'.repeat(32 * 1024) } });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()).code).toBe('REQUEST.HEADERS_TOO_LARGE');
  });

  it('answers unknown routes with a problem', async () => {
    const res = await api.request('/api/nope');
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe('ROUTE.NOT_FOUND');
  });
});

describe('logs', () => {
  it('carry a request id and never a key or attachment bytes', async () => {
    const data = toBase64(pngBytes());
    const res = await api.request('/api/trades?sheet_id=logs', {
      json: { ...trade, attachments: [{ filename: 'c.png', mime_type: 'image/png', data }] },
      headers: { 'X-Request-Id': 'req-logs-1' },
    });
    expect(res.headers.get('x-request-id')).toBe('req-logs-1');
    const text = api.logs.join('');
    expect(text).toContain('req-logs-1');
    expect(text).not.toContain(api.key);
    expect(text).not.toContain(data.slice(0, 40));
  });
});
