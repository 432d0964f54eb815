import { startTestServer, type TestServer } from '../testing/test-server';

const servers: TestServer[] = [];
async function serve(env: Record<string, string>): Promise<TestServer> {
  const api = await startTestServer(env);
  servers.push(api);
  return api;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((api) => api.close()));
});

async function expectRateLimited(res: Response): Promise<void> {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
  expect(await res.json()).toMatchObject({ status: 429, code: 'REQUEST.RATE_LIMITED' });
}

describe('per-address limit (requests without a valid key)', () => {
  it('counts failed key checks and answers 429 with Retry-After past the limit; health stays open', async () => {
    const api = await serve({ RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '3' });
    for (const key of [null, 'pk_wrong', 'pk_wrong']) expect((await api.request('/api/trades?sheet_id=x', { key })).status).toBe(401);

    await expectRateLimited(await api.request('/api/trades?sheet_id=x', { key: 'pk_wrong' }));
    // The public routes share the address's quota …
    await expectRateLimited(await api.request('/api/openapi.json', { key: null }));
    // … load balancers' health checks do not.
    expect((await api.request('/api/health', { key: null })).status).toBe(200);
    expect((await api.request('/api/health/ready', { key: null })).status).toBe(200);
  });

  it('does not count requests that carry a valid key', async () => {
    const api = await serve({ RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '2' });
    for (let i = 0; i < 6; i++) expect((await api.request('/api/analysis/jobs')).status).toBe(200);

    expect((await api.request('/api/analysis/jobs', { key: 'pk_wrong' })).status).toBe(401);
    expect((await api.request('/api/analysis/jobs', { key: 'pk_wrong' })).status).toBe(401);
    await expectRateLimited(await api.request('/api/analysis/jobs', { key: 'pk_wrong' }));
  });

  it('tells clients apart by X-Forwarded-For only behind a trusted proxy (TRUST_PROXY)', async () => {
    const direct = await serve({ RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '1' });
    const proxied = await serve({ RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '1', TRUST_PROXY: '1' });
    const from = (api: TestServer, address: string) => api.request('/api/openapi.json', { key: null, headers: { 'X-Forwarded-For': address } });

    expect((await from(direct, '203.0.113.1')).status).toBe(200);
    // Without a trusted proxy the header is the client's own word: ignored, the socket's address counts.
    await expectRateLimited(await from(direct, '203.0.113.2'));

    expect((await from(proxied, '203.0.113.1')).status).toBe(200);
    await expectRateLimited(await from(proxied, '203.0.113.1'));
    expect((await from(proxied, '203.0.113.2')).status).toBe(200);
  });
});

describe('per-user limit', () => {
  it('answers 429 past RATE_LIMIT_PER_MINUTE for that user only', async () => {
    const api = await serve({ RATE_LIMIT_PER_MINUTE: '3' });
    const other = await api.keyFor('someone-else');
    for (let i = 0; i < 3; i++) expect((await api.request('/api/analysis/jobs')).status).toBe(200);

    await expectRateLimited(await api.request('/api/analysis/jobs'));
    expect((await api.request('/api/analysis/jobs', { key: other })).status).toBe(200);
  });

  it('is off at 0, as is the per-address limit', async () => {
    const api = await serve({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '0' });
    const statuses = new Set<number>();
    for (let i = 0; i < 80; i++) {
      statuses.add((await api.request('/api/analysis/jobs')).status);
      statuses.add((await api.request('/api/analysis/jobs', { key: null })).status);
    }
    expect([...statuses].sort()).toEqual([200, 401]);
  });
});
