import { REPORT_PAGE_CSP } from '@pecunia/core';
import { analysisResult } from '@pecunia/core/testing';
import { createClient } from '@pecunia/sdk';
import { startTestServer, type TestResponse, type TestServer } from '../testing/test-server';
import { sharedMediaHref } from './reports';

const PUBLIC_BASE = 'https://journal.example';
const DAY = 86_400;

let api: TestServer;
let clockMs = Date.parse('2026-03-10T12:00:00.000Z');
/** A completed job made by the worker from real trades, and a failed one (no such journal). */
let jobId: string;
let failedJobId: string;

async function waitForJob(id: string): Promise<{ status: string }> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    const job = await (await api.request(`/api/analysis/jobs/${id}`)).json();
    if (job.status === 'completed' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

const pathOf = (url: string) => new URL(url).pathname;
const share = (id: string, json?: unknown, key?: string) =>
  api.request(`/api/analysis/jobs/${id}/share`, { method: 'POST', ...(json === undefined ? {} : { json }), ...(key ? { key } : {}) });
const openShared = (url: string) => api.request(pathOf(url), { key: null });

function expectPage(res: TestResponse): void {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.headers.get('content-security-policy')).toBe(REPORT_PAGE_CSP);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-robots-tag')).toBe('noindex, nofollow');
}

beforeAll(async () => {
  api = await startTestServer({ PUBLIC_BASE_URL: PUBLIC_BASE }, { now: () => new Date(clockMs) });
  for (const [i, pnl] of [120, -45, 80, 0, -30].entries()) {
    const res = await api.request('/api/trades?sheet_id=reports', {
      json: { ticker: 'AAPL', position_type: 'long', pnl, entry_timestamp: `2026-03-0${i + 2}T09:41`, exit_timestamp: `2026-03-0${i + 2}T10:15` },
    });
    expect(res.status).toBe(201);
  }
  jobId = (await (await api.request('/api/analysis/jobs', { json: { sheet_id: 'reports', prompt: 'How did my first week go?' } })).json()).job_id;
  failedJobId = (await (await api.request('/api/analysis/jobs', { json: { sheet_id: 'no-such-journal', prompt: 'x' } })).json()).job_id;
  expect(await waitForJob(jobId)).toMatchObject({ status: 'completed' });
  expect(await waitForJob(failedJobId)).toMatchObject({ status: 'failed' });
  // The worker's first job loads the workflow engine: slow on a busy machine, so the hook gets room.
}, 120_000);
afterAll(async () => {
  await api.close();
});

describe('the report page of a job', () => {
  it('shows its owner the HTML page, with the renderer’s CSP, at report.html and to a browser at report', async () => {
    const page = await api.request(`/api/analysis/jobs/${jobId}/report.html`);
    const negotiated = await api.request(`/api/analysis/jobs/${jobId}/report`, { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });

    expectPage(page);
    expectPage(negotiated);
    expect(negotiated.headers.get('vary')).toMatch(/Accept/);
    const html = await page.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('How did my first week go?');
    expect(html).not.toMatch(/<script/i);
    expect(await negotiated.text()).toBe(html);
  });

  it('answers JSON at report when HTML is not preferred, or nothing is said', async () => {
    for (const headers of [{ Accept: 'application/json' }, {}, { Accept: '*/*' }] as Record<string, string>[]) {
      const res = await api.request(`/api/analysis/jobs/${jobId}/report`, { headers });

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await res.json();
      expect(Object.keys(body).sort()).toEqual(['job_id', 'metrics', 'report', 'report_markdown']);
      expect(body).toMatchObject({ job_id: jobId, metrics: { trade_count: 5 }, report_markdown: expect.stringContaining('## Performance overview') });
    }
  });

  it('answers another user’s key with 404, as every job route does', async () => {
    const other = await api.keyFor('intruder');

    for (const path of [`/api/analysis/jobs/${jobId}/report`, `/api/analysis/jobs/${jobId}/report.html`, `/api/analysis/jobs/${jobId}/share`]) {
      const res = await api.request(path, { key: other });
      expect(res.status).toBe(404);
      expect((await res.json()).code).toBe('ANALYSIS.JOB_NOT_FOUND');
    }
    const shared = await share(jobId, undefined, other);
    expect(shared.status).toBe(404);
    expect((await shared.json()).code).toBe('ANALYSIS.JOB_NOT_FOUND');
    expect((await api.request(`/api/analysis/jobs/${jobId}/share`, { method: 'DELETE', key: other })).status).toBe(404);
  });

  it('answers 409 with a problem while the job has not completed, and shares nothing', async () => {
    for (const res of [
      await api.request(`/api/analysis/jobs/${failedJobId}/report.html`),
      await api.request(`/api/analysis/jobs/${failedJobId}/report`, { headers: { Accept: 'text/html' } }),
      await share(failedJobId),
    ]) {
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ code: 'ANALYSIS.JOB_NOT_COMPLETED', status: 409, job_status: 'failed' });
    }
  });

  it('needs a key', async () => {
    const res = await api.request(`/api/analysis/jobs/${jobId}/report.html`, { key: null });

    expect(res.status).toBe(401);
  });
});

describe('share links', () => {
  it('shares for 7 days by default, and the link opens the page without a key', async () => {
    // Act
    const created = await share(jobId);
    const body = await created.json();
    const opened = await openShared(body.url);

    // Assert
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), url: expect.stringMatching(/^https:\/\/journal\.example\/api\/shared\/reports\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/), created_at: new Date(clockMs).toISOString(), expires_at: new Date(clockMs + 7 * DAY * 1000).toISOString() });
    expectPage(opened);
    expect(await opened.text()).toContain('How did my first week go?');
  });

  it('takes expires_in in seconds, and lists the links that still open with their URLs', async () => {
    const hour = await (await share(jobId, { expires_in: 3600 })).json();

    const listed = await api.request(`/api/analysis/jobs/${jobId}/share`);

    expect(hour.expires_at).toBe(new Date(clockMs + 3600_000).toISOString());
    expect(listed.status).toBe(200);
    expect((await listed.json()).links).toContainEqual(hour);
  });

  it.each([
    ['0 seconds', { expires_in: 0 }],
    ['31 days', { expires_in: 31 * DAY }],
    ['a string', { expires_in: '7d' }],
    ['a fraction', { expires_in: 90.5 }],
    ['an unknown field', { expires: 60 }],
  ])('refuses expires_in of %s with 400 SHARE.INVALID_REQUEST', async (_label, json) => {
    const res = await share(jobId, json);

    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'SHARE.INVALID_REQUEST', issues: [expect.objectContaining({ field: expect.stringMatching(/expires|root/) })] });
  });

  it('answers a tampered, expired, revoked, unknown or re-pointed link with the same 404, and never logs a token', async () => {
    // Arrange
    const other = await api.composition.jobs.get('local', jobId);
    await api.composition.jobs.create({ ...other!, job_id: 'second-job', result: undefined, status: 'queued' });
    await api.composition.jobs.complete('second-job', other!.result!);
    const good = await (await share(jobId, { expires_in: 60 })).json();
    const revoked = await (await share(jobId)).json();
    expect((await api.request(`/api/analysis/jobs/${jobId}/share/${revoked.id}`, { method: 'DELETE' })).status).toBe(204);
    const [payload, mac] = pathOf(good.url).split('/').at(-1)!.split('.') as [string, string];
    const repointed = Buffer.from(Buffer.from(payload, 'base64url').toString().replace(jobId, 'second-job')).toString('base64url');
    const second = await (await share('second-job')).json();
    expect((await openShared(second.url)).status).toBe(200);

    // Act
    const beforeExpiry = await openShared(good.url);
    clockMs += 60_000;
    const answers = await Promise.all(
      [
        `/api/shared/reports/${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
        `/api/shared/reports/${repointed}.${mac}`,
        `/api/shared/reports/${payload}`,
        `/api/shared/reports/not-a-token`,
        pathOf(good.url),
        pathOf(revoked.url),
      ].map((path) => api.request(path, { key: null })),
    );

    // Assert
    expect(beforeExpiry.status).toBe(200);
    const bodies = await Promise.all(answers.map((res) => res.text()));
    expect(answers.map((res) => res.status)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual({ type: 'https://docs.pecunia.dev/problems/share-not-found', title: 'Not Found', status: 404, detail: 'not found', code: 'SHARE.NOT_FOUND' });
    for (const res of answers) {
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const logs = api.logs.join('');
    expect(logs).toContain('/api/shared/reports/[token]');
    for (const url of [good.url, revoked.url, second.url]) expect(logs).not.toContain(pathOf(url).split('/').at(-1));
  });

  it('revokes one link (404 for a link the job does not have), then every link of the job', async () => {
    // Arrange
    const links = [await (await share(jobId)).json(), await (await share(jobId)).json(), await (await share(jobId)).json()];

    // Act
    const one = await api.request(`/api/analysis/jobs/${jobId}/share/${links[0].id}`, { method: 'DELETE' });
    const unknown = await api.request(`/api/analysis/jobs/${jobId}/share/unknown-share-id-00000`, { method: 'DELETE' });
    const listedAfterOne = (await (await api.request(`/api/analysis/jobs/${jobId}/share`)).json()).links.map((l: { id: string }) => l.id);
    const all = await api.request(`/api/analysis/jobs/${jobId}/share`, { method: 'DELETE' });

    // Assert
    expect(one.status).toBe(204);
    expect((await openShared(links[0].url)).status).toBe(404);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).code).toBe('SHARE.NOT_FOUND');
    expect(listedAfterOne).toEqual(expect.arrayContaining([links[1].id, links[2].id]));
    expect(listedAfterOne).not.toContain(links[0].id);
    expect(all.status).toBe(204);
    for (const link of links) expect((await openShared(link.url)).status).toBe(404);
    expect((await (await api.request(`/api/analysis/jobs/${jobId}/share`)).json()).links).toEqual([]);
  });
});

describe('the SDK against this API', () => {
  it('reads the page, shares it, opens the link without a key and revokes it', async () => {
    // Arrange
    const pecunia = createClient({ baseUrl: api.url, apiKey: api.key });

    // Act
    const page = await pecunia.getReportHtml(jobId);
    const link = await pecunia.shareReport(jobId, { expiresIn: 600 });
    const listed = await pecunia.listShareLinks(jobId);
    const opened = await openShared(link.url);
    await pecunia.revokeShare(jobId, link.id);

    // Assert
    expect(page).toMatch(/^<!doctype html>/i);
    expect(link.expires_at).toBe(new Date(clockMs + 600_000).toISOString());
    expect(listed).toContainEqual(link);
    expectPage(opened);
    expect(await opened.text()).toContain('How did my first week go?');
    expect((await openShared(link.url)).status).toBe(404);
    await expect(pecunia.getReportHtml(failedJobId)).rejects.toMatchObject({ code: 'ANALYSIS.JOB_NOT_COMPLETED', status: 409 });
  });
});

describe('attachment links on a shared page', () => {
  it('keeps Drive links, and leaves out the API’s own media route, which needs the owner’s key', async () => {
    // Arrange
    const drive = 'https://drive.google.com/file/d/1AbC/view';
    const local = `${PUBLIC_BASE}/api/media/${'a'.repeat(64)}`;
    await api.composition.jobs.create({ ...(await api.composition.jobs.get('local', jobId))!, job_id: 'media-job', status: 'queued', result: undefined });
    await api.composition.jobs.complete(
      'media-job',
      analysisResult('Charts were read.', {
        image_insights: [
          { file_id: 'drive-file', link: drive, summary: 'Entry on the breakout.' },
          { file_id: 'local-file', link: local, summary: 'Exit too early.' },
        ],
      }),
    );
    const { url } = await (await share('media-job')).json();

    // Act
    const owner = await (await api.request('/api/analysis/jobs/media-job/report.html')).text();
    const shared = await (await openShared(url)).text();

    // Assert
    expect(owner).toContain(`href="${drive}"`);
    expect(owner).toContain(`href="${local}"`);
    expect(shared).toContain(`href="${drive}"`);
    expect(shared).not.toContain('/api/media/');
    expect(shared).toContain('Exit too early.');
  });

  it.each([
    ['a Drive link', 'https://drive.google.com/file/d/1AbC/view', 'https://drive.google.com/file/d/1AbC/view'],
    ['an absolute local link', 'http://localhost:8000/api/media/abc', undefined],
    ['a relative local link', '/api/media/abc', undefined],
    ['a local link in other case', '/API/Media/abc', undefined],
    ['an insight without a link', undefined, undefined],
  ])('on a shared page, gives %s the href %p', (_label, link, expected) => {
    expect(sharedMediaHref(() => PUBLIC_BASE)({ file_id: 'f', summary: 's', ...(link === undefined ? {} : { link }) })).toBe(expected);
  });
});
