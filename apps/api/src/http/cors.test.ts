import { startTestServer, type TestServer } from '../testing/test-server';

const ALLOWED = 'https://app.example.com';
const preflight = (api: TestServer, origin: string) =>
  api.request('/api/trades?sheet_id=x', {
    key: null,
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key,x-request-id' },
  });

describe('CORS', () => {
  let open: TestServer;
  let closed: TestServer;
  beforeAll(async () => {
    [open, closed] = await Promise.all([startTestServer({ CORS_ORIGINS: `${ALLOWED},http://localhost:5173` }), startTestServer()]);
  });
  afterAll(async () => {
    await Promise.all([open.close(), closed.close()]);
  });

  it('answers the preflight of a listed origin with the methods and the headers the SDK sends', async () => {
    const res = await preflight(open, ALLOWED);

    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,HEAD,POST,PUT,DELETE');
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,Idempotency-Key,X-Request-Id');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('lets a listed origin read the headers a client needs, and no other origin anything', async () => {
    const allowed = await open.request('/api/analysis/jobs', { headers: { Origin: ALLOWED } });
    const other = await open.request('/api/analysis/jobs', { headers: { Origin: 'https://evil.example.com' } });

    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-expose-headers')).toBe('Location,Retry-After,X-Request-Id,Idempotent-Replayed');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers no preflight for an origin not listed, nor for any origin by default', async () => {
    for (const res of [await preflight(open, 'https://evil.example.com'), await preflight(closed, ALLOWED)]) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-headers')).toBeNull();
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
  });
});
