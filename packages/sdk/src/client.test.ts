import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createClient, PecuniaApiError, SDK_VERSION, type ClientOptions } from './index';
import { fakeFetch, fakeSleep, json, problem, type FakeFetch } from './testing/fake-fetch';

const BASE = 'http://api.test';

const created = {
  status: 'created',
  extracted_by: 'rule-based',
  trade: {
    trade_id: 't1',
    user_id: 'local',
    ticker: 'AAPL',
    position_type: 'long',
    pnl: 185,
    entry_timestamp: '2026-03-02T09:41:00Z',
    exit_timestamp: '2026-03-02T10:15:00Z',
    notes: 'n',
    file_links: '',
  },
  attachments: [],
  location: { sheet_id: 'j', tab: 'Journal', updated_range: 'Journal!A2:P2', row_number: 2 },
};

function clientWith(fetch: FakeFetch, options: Partial<ClientOptions> = {}) {
  const sleep = fakeSleep();
  const client = createClient({ baseUrl: `${BASE}/`, apiKey: 'key-1', fetch, sleep, ...options });
  return { client, sleep };
}

describe('createClient', () => {
  it('retries a 503 after the Retry-After it names, with the same Idempotency-Key, then returns the success', async () => {
    const fetch = fakeFetch(problem(503, 'QUEUE.UNAVAILABLE', 'busy', { 'Retry-After': '2' }), json(201, created));
    const { client, sleep } = clientWith(fetch);

    const result = await client.submitTrade({ content: 'Bought AAPL' }, { sheetId: 'j' });

    expect(result.status).toBe('created');
    expect(fetch.seen).toHaveLength(2);
    expect(sleep.waits).toEqual([2000]);
    const [first, second] = fetch.seen;
    expect(first!.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(second!.headers.get('idempotency-key')).toBe(first!.headers.get('idempotency-key'));
    expect(second!.body).toBe(first!.body);
    expect(first!.url.toString()).toBe(`${BASE}/api/trades/submit?sheet_id=j`);
    expect(first!.headers.get('authorization')).toBe('Bearer key-1');
    expect(first!.headers.get('user-agent')).toBe(`pecunia-sdk/${SDK_VERSION}`);
  });

  it('gives each new write its own key, and uses the key the caller chose', async () => {
    const fetch = fakeFetch(json(201, created));
    const { client } = clientWith(fetch);

    await client.submitTrade({ content: 'a' }, { sheetId: 'j' });
    await client.submitTrade({ content: 'b' }, { sheetId: 'j' });
    await client.logTrade(
      { ticker: 'AAPL', position_type: 'long', pnl: 1, entry_timestamp: '2026-03-02T09:41', exit_timestamp: '2026-03-02T10:15' },
      { sheetId: 'j', sheetRange: 'Journal!A1', idempotencyKey: 'mine-1' },
    );

    const keys = fetch.seen.map((r) => r.headers.get('idempotency-key'));
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('mine-1');
    expect(fetch.seen[2]!.url.searchParams.get('sheet_range')).toBe('Journal!A1');
  });

  it('does not retry a 400 and surfaces the problem as a PecuniaApiError with its code', async () => {
    const fetch = fakeFetch(problem(400, 'TRADE.INVALID', 'Invalid trade: pnl must be a number'));
    const { client, sleep } = clientWith(fetch);

    const error = await client.submitTrade({ content: 'x' }, { sheetId: 'j' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PecuniaApiError);
    expect(error).toMatchObject({ code: 'TRADE.INVALID', status: 400, detail: 'Invalid trade: pnl must be a number', title: 'Error', requestId: 'req-1' });
    expect(fetch.seen).toHaveLength(1);
    expect(sleep.waits).toEqual([]);
  });

  it('stops after 3 retries with exponential, jittered waits and reports the last answer', async () => {
    const fetch = fakeFetch(problem(502, 'UPSTREAM.FAILED', 'down'));
    const { client, sleep } = clientWith(fetch);

    const error = await client.getAnalysisJob('j1').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'UPSTREAM.FAILED', status: 502 });
    expect(fetch.seen).toHaveLength(4);
    expect(sleep.waits).toHaveLength(3);
    sleep.waits.forEach((ms, attempt) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(500 * 2 ** attempt);
    });
  });

  it('does not wait longer than 30 s: a longer Retry-After is returned to the caller', async () => {
    const fetch = fakeFetch(problem(429, 'RATE.LIMITED', 'slow down', { 'Retry-After': '120' }));
    const { client, sleep } = clientWith(fetch);

    await expect(client.listAnalysisJobs()).rejects.toMatchObject({ code: 'RATE.LIMITED', status: 429 });
    expect(fetch.seen).toHaveLength(1);
    expect(sleep.waits).toEqual([]);
  });

  it('retries network errors of reads and keyed writes (analysis jobs are keyed too)', async () => {
    const reads = fakeFetch(new TypeError('fetch failed'), json(200, { jobs: [] }));
    expect(await clientWith(reads).client.listAnalysisJobs({ limit: 5 })).toEqual([]);
    expect(reads.seen).toHaveLength(2);
    expect(reads.seen[1]!.url.searchParams.get('limit')).toBe('5');

    const keyed = fakeFetch(new TypeError('fetch failed'), json(201, created));
    expect((await clientWith(keyed).client.submitTrade({ content: 'x' }, { sheetId: 'j' })).status).toBe('created');
    expect(keyed.seen).toHaveLength(2);

    const jobs = fakeFetch(new TypeError('fetch failed'), json(202, { job_id: 'j1', status: 'queued' }));
    expect(await clientWith(jobs).client.createAnalysisJob({ sheet_id: 'j', prompt: 'why?' })).toEqual({ job_id: 'j1', status: 'queued' });
    expect(jobs.seen).toHaveLength(2);
    expect(jobs.seen[1]!.headers.get('idempotency-key')).toBe(jobs.seen[0]!.headers.get('idempotency-key'));
  });

  it('retries nothing when retries is 0', async () => {
    const fetch = fakeFetch(problem(503, 'X', 'busy', { 'Retry-After': '1' }), json(200, { jobs: [] }));
    await expect(clientWith(fetch, { retries: 0 }).client.listAnalysisJobs()).rejects.toMatchObject({ status: 503 });
    expect(fetch.seen).toHaveLength(1);
  });

  it('turns an error answer without a problem body into a PecuniaApiError too', async () => {
    const fetch = fakeFetch(new Response('<html>bad gateway</html>', { status: 504, statusText: 'Gateway Timeout' }));
    const error = await clientWith(fetch, { retries: 0 })
      .client.getAnalysisJob('j1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HTTP.504', status: 504, title: 'Gateway Timeout' });
  });

  it('keeps the raw typed client: errors are values there, nothing is thrown', async () => {
    const fetch = fakeFetch(json(200, { status: 'ok', version: '0.1.0', mode: 'local' }), problem(404, 'ANALYSIS.JOB_NOT_FOUND', 'No analysis job with this id'));
    const { client } = clientWith(fetch);

    const health = await client.GET('/api/health');
    const missing = await client.GET('/api/analysis/jobs/{job_id}', { params: { path: { job_id: 'nope' } } });

    expect(health.data?.mode).toBe('local');
    expect(missing.error?.code).toBe('ANALYSIS.JOB_NOT_FOUND');
    expect(missing.response.status).toBe(404);
  });

  it('lists trades with only the filters given', async () => {
    const fetch = fakeFetch(json(200, { trades: [], next_cursor: null, skipped_rows: [] }));
    const page = await clientWith(fetch).client.listTrades({ sheetId: 'j', from: '2026-03-01', to: '2026-03-31', limit: 50 });
    expect(page.next_cursor).toBeNull();
    expect(fetch.seen[0]!.url.search).toBe('?sheet_id=j&from=2026-03-01&to=2026-03-31&limit=50');
  });

  it('reads a stored file as bytes with its type', async () => {
    const fetch = fakeFetch(new Response(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'Content-Type': 'image/png' } }));
    const file = await clientWith(fetch).client.getMedia('abc');
    expect(fetch.seen[0]!.url.pathname).toBe('/api/media/abc');
    expect(file).toEqual({ data: new Uint8Array([1, 2, 3]), mimeType: 'image/png' });
  });

  it('connects a Google account: the consent URL for a user, then the callback with code and state', async () => {
    const fetch = fakeFetch(
      json(200, { authorization_url: 'https://accounts.example/o/oauth2/v2/auth?state=s1', state: 's1' }),
      json(200, { status: 'connected', user_id: 'bob', email: 'bob@example.com', api_key: 'pk_new' }),
    );
    // A new trader has no key yet: the connect flow works without one, and hands out the first.
    const client = createClient({ baseUrl: BASE, anonymous: true, fetch, sleep: fakeSleep() });

    const { authorization_url, state } = await client.authorizeGoogle('bob');
    const connected = await client.completeGoogleConnection({ code: 'code-1', state });

    expect(authorization_url).toContain('state=s1');
    expect(fetch.seen[0]!.url.pathname + fetch.seen[0]!.url.search).toBe('/api/auth/google/authorize?user_id=bob');
    expect(fetch.seen[0]!.headers.has('authorization')).toBe(false);
    expect(fetch.seen[1]!.method).toBe('POST');
    expect(JSON.parse(fetch.seen[1]!.body!)).toEqual({ code: 'code-1', state: 's1' });
    expect(connected).toEqual({ status: 'connected', user_id: 'bob', email: 'bob@example.com', api_key: 'pk_new' });
  });

  it('disconnects a Google account with the caller’s key', async () => {
    const fetch = fakeFetch(json(200, { status: 'disconnected', user_id: 'bob' }));

    expect(await clientWith(fetch).client.disconnectGoogle()).toEqual({ status: 'disconnected', user_id: 'bob' });
    expect(fetch.seen[0]!.method).toBe('DELETE');
    expect(fetch.seen[0]!.url.pathname).toBe('/api/auth/google/connection');
    expect(fetch.seen[0]!.headers.get('authorization')).toBe('Bearer key-1');
  });

  it('sets, reads and deletes the weekly schedule', async () => {
    const schedule = {
      user_id: 'local',
      sheet_id: 'j',
      sheet_range: 'Journal!A1',
      prompt: 'How did my week go?',
      timezone: 'America/New_York',
      enabled: true,
      created_at: '2026-03-01T10:00:00.000Z',
      updated_at: '2026-03-01T10:00:00.000Z',
    };
    const fetch = fakeFetch(json(200, schedule), json(200, schedule), new Response(null, { status: 204 }));
    const { client } = clientWith(fetch);

    const stored = await client.setWeeklySchedule({ sheet_id: 'j', timezone: 'America/New_York', enabled: true });
    const read = await client.getWeeklySchedule();
    const deleted = await client.deleteWeeklySchedule();

    expect(stored).toEqual(schedule);
    expect(read).toEqual(schedule);
    expect(deleted).toBeUndefined();
    expect(fetch.seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual(['PUT /api/schedules/weekly', 'GET /api/schedules/weekly', 'DELETE /api/schedules/weekly']);
    expect(JSON.parse(fetch.seen[0]!.body)).toEqual({ sheet_id: 'j', timezone: 'America/New_York', enabled: true });
    // A PUT replaces, so sending it twice cannot do anything twice: it needs no Idempotency-Key.
    expect(fetch.seen[0]!.headers.has('idempotency-key')).toBe(false);
  });

  it('surfaces a missing schedule as SCHEDULE.NOT_FOUND on read and on delete', async () => {
    const fetch = fakeFetch(problem(404, 'SCHEDULE.NOT_FOUND', 'No weekly analysis is scheduled'));
    const { client } = clientWith(fetch);

    await expect(client.getWeeklySchedule()).rejects.toMatchObject({ code: 'SCHEDULE.NOT_FOUND', status: 404 });
    await expect(client.deleteWeeklySchedule()).rejects.toMatchObject({ code: 'SCHEDULE.NOT_FOUND', status: 404 });
  });

  it('retries a weekly-schedule PUT after a 502: replacing twice writes the same thing', async () => {
    const fetch = fakeFetch(problem(502, 'UPSTREAM.FAILED', 'down'), json(200, { user_id: 'local', sheet_id: 'j', enabled: false }));
    const { client } = clientWith(fetch);

    await client.setWeeklySchedule({ sheet_id: 'j', enabled: false });

    expect(fetch.seen).toHaveLength(2);
    expect(fetch.seen[1]!.body).toBe(fetch.seen[0]!.body);
  });

  it('requires a base URL and a key', () => {
    expect(() => createClient({ baseUrl: '', apiKey: 'k' })).toThrow(/baseUrl/);
    expect(() => createClient({ baseUrl: BASE, apiKey: '' })).toThrow(/apiKey/);
  });

  it('sends the caller’s user agent after its own', async () => {
    const fetch = fakeFetch(json(200, { jobs: [] }));
    await clientWith(fetch, { userAgent: 'my-app/1.2' }).client.listAnalysisJobs();
    expect(fetch.seen[0]!.headers.get('user-agent')).toBe(`pecunia-sdk/${SDK_VERSION} my-app/1.2`);
  });

  it('states the version package.json publishes', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '../package.json'), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
  });
});

describe('report pages and share links', () => {
  const link = { id: 'AbCdEfGhIjKlMnOpQrSt_-', url: 'https://journal.example/api/shared/reports/abc.def', created_at: '2026-03-10T12:00:00.000Z', expires_at: '2026-03-17T12:00:00.000Z' };

  it('reads the report page as text, asking for HTML', async () => {
    const page = '<!doctype html><html><body>Report</body></html>';
    const fetch = fakeFetch(new Response(page, { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } }));

    const html = await clientWith(fetch).client.getReportHtml('job-1');

    expect(html).toBe(page);
    expect(`${fetch.seen[0]!.method} ${fetch.seen[0]!.url.pathname}`).toBe('GET /api/analysis/jobs/job-1/report.html');
    expect(fetch.seen[0]!.headers.get('accept')).toBe('text/html');
  });

  it('surfaces a job without a report yet as ANALYSIS.JOB_NOT_COMPLETED', async () => {
    const fetch = fakeFetch(problem(409, 'ANALYSIS.JOB_NOT_COMPLETED', 'The job is running: a report exists once the job has completed.'));

    await expect(clientWith(fetch).client.getReportHtml('job-1')).rejects.toMatchObject({ code: 'ANALYSIS.JOB_NOT_COMPLETED', status: 409 });
  });

  it('shares a report for the default life, or for the seconds asked, and lists the links', async () => {
    const fetch = fakeFetch(json(201, link), json(201, link), json(200, { links: [link] }));
    const { client } = clientWith(fetch);

    expect(await client.shareReport('job-1')).toEqual(link);
    await client.shareReport('job-1', { expiresIn: 3600 });
    expect(await client.listShareLinks('job-1')).toEqual([link]);

    expect(fetch.seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual(['POST /api/analysis/jobs/job-1/share', 'POST /api/analysis/jobs/job-1/share', 'GET /api/analysis/jobs/job-1/share']);
    expect(JSON.parse(fetch.seen[0]!.body)).toEqual({});
    expect(JSON.parse(fetch.seen[1]!.body)).toEqual({ expires_in: 3600 });
  });

  it('revokes one link by id, or every link of the job', async () => {
    const fetch = fakeFetch(new Response(null, { status: 204 }));
    const { client } = clientWith(fetch);

    await client.revokeShare('job-1', link.id);
    await client.revokeShare('job-1');

    expect(fetch.seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([`DELETE /api/analysis/jobs/job-1/share/${link.id}`, 'DELETE /api/analysis/jobs/job-1/share']);
  });
});
