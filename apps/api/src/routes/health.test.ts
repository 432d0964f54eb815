import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../testing/test-server';

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(async () => {
  await api.close();
});

describe('GET /api/health/ready with a failing adapter', () => {
  it('answers 503 with a stable code per check, and keeps the error detail in the log', async () => {
    // The media folder replaced by a file: the store's probe fails with an error naming the absolute path.
    const media = path.join(api.dataDir, 'media');
    rmSync(media, { recursive: true, force: true });
    writeFileSync(media, 'not a folder');

    const res = await api.request('/api/health/ready', { key: null });
    const text = await res.text();

    expect(res.status).toBe(503);
    const body = JSON.parse(text) as { status: string; adapters: Record<string, unknown>[] };
    expect(body.status).toBe('unavailable');
    expect(body.adapters.find((a) => a['port'] === 'media')).toEqual({
      port: 'media',
      family: 'local',
      adapter: 'filesystem',
      status: 'unavailable',
      code: 'ADAPTER.UNAVAILABLE',
    });
    expect(body.adapters.filter((a) => a['status'] === 'ready')).not.toHaveLength(0);
    expect(text).not.toContain(api.dataDir);
    expect(text).not.toMatch(/EEXIST|ENOTDIR/);
    expect(api.logs.join('')).toContain('readiness check failed');
    expect(api.logs.join('')).toContain(media);
  });
});
