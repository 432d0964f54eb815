// Faults (issue 12): the Google and Gemini stand-ins fail in bursts (429, 500, slow, dropped connections); the API
// retries within its budget, then fails clearly — never a duplicate row, an orphan Drive file or a job stuck running.
import {
  pngBytes,
  standInEnv,
  startGeminiStandIn,
  startGoogleStandIn,
  toBase64,
  type GeminiReply,
  type GeminiRequest,
  type GeminiStandIn,
  type GoogleStandIn,
} from '@pecunia/core/testing';
import { startTestServer, type TestServer } from './testing/test-server';
import { pollJob } from './testing/poll-job';

jest.setTimeout(60_000);

const ACCOUNT = { sub: '108555000111222333999', email: 'faults@example.com' };
const APPEND = /:append$/;
// The adapters' budgets: SheetsJournal's APPEND_TRIES for a 429, DEFAULT_GEMINI_RETRY.tries per Gemini call.
const APPEND_TRIES = 3;
const GEMINI_TRIES = 3;

/** Gemini as the analysis uses it here: chart reviews (the trades carry charts), then the coach's report. */
function coach(request: GeminiRequest): GeminiReply {
  const system = request.body.systemInstruction?.parts?.map((p) => p.text ?? '').join(' ') ?? '';
  if (system.includes('chart screenshots')) {
    const ids = (request.body.contents ?? []).flatMap((c) => c.parts ?? []).flatMap((p) => /^file_id: "(.+)"$/.exec(p.text ?? '')?.[1] ?? []);
    return { json: ids.map((file_id) => ({ file_id, summary: 'Entry at the high of a wide candle.', risks: [], opportunities: [] })) };
  }
  return {
    json: {
      performance_overview: { summary: 'Steady week.', key_metrics: [] },
      behavioural_patterns: [],
      opportunities: ['Keep the stop where the plan puts it.'],
      action_plan: [{ title: 'Review entries', detail: 'Note why each entry was taken before it is taken.' }],
    },
  };
}

describe('Google and Gemini failing in bursts', () => {
  let google: GoogleStandIn;
  let gemini: GeminiStandIn;
  let api: TestServer;
  let key: string;
  let spreadsheetId: string;
  let n = 0;

  beforeAll(async () => {
    [google, gemini] = await Promise.all([startGoogleStandIn(), startGeminiStandIn()]);
    gemini.respond(coach);
    spreadsheetId = google.createSpreadsheet(ACCOUNT, { title: 'Journal', tabs: { Journal: [] } });
    api = await startTestServer({
      ...standInEnv({ google, gemini }),
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '0',
    });
    const { state } = await (await api.request('/api/auth/google/authorize?user_id=faults', { key: null })).json();
    google.registerCode('code-faults', ACCOUNT);
    ({ api_key: key } = await (await api.request('/api/auth/google/callback', { key: null, json: { code: 'code-faults', state } })).json());
  });
  afterAll(async () => {
    await api?.close();
    await Promise.all([google?.close(), gemini?.close()]);
  });

  /** Posts a trade with a chart; returns the answer, the rows carrying its note and the append calls it made. */
  async function postTrade() {
    const notes = `fault case ${++n}`;
    const callsBefore = google.calls.length;
    const filesBefore = google.driveFiles(ACCOUNT).length;
    const res = await api.request(`/api/trades?sheet_id=${spreadsheetId}`, {
      key,
      json: {
        ticker: 'AAPL',
        position_type: 'long',
        pnl: 12.5,
        entry_timestamp: '2026-03-02T09:41:00Z',
        exit_timestamp: '2026-03-02T10:15:00Z',
        notes,
        attachments: [{ filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) }],
      },
    });
    const body = await res.json();
    const rows = (google.tabRows(spreadsheetId, 'Journal') ?? []).filter((row) => row.includes(notes));
    const calls = google.calls.slice(callsBefore);
    return { res, body, rows, appends: calls.filter((c) => c.method === 'POST' && APPEND.test(c.path)).length, newFiles: google.driveFiles(ACCOUNT).length - filesBefore };
  }

  function expectClearFailure(outcome: Awaited<ReturnType<typeof postTrade>>, statuses: number[]) {
    expect(statuses).toContain(outcome.res.status);
    expect(outcome.res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(outcome.body.code).toMatch(/^[A-Z]+\.[A-Z_]+$/);
    expect(outcome.rows).toHaveLength(0);
    expect(outcome.newFiles).toBe(0);
  }

  it('lands a trade exactly once through one 500, a 500 that was applied, a dropped connection and a slow answer', async () => {
    for (const fault of [{ status: 500 }, { status: 500, applied: true }, { dropConnection: true }, { dropConnection: true, applied: true }, { delayMs: 300 }]) {
      google.failNext({ method: 'POST', pathPattern: APPEND, ...fault });
      const outcome = await postTrade();
      expect({ fault, status: outcome.res.status }).toEqual({ fault, status: 201 });
      expect(outcome.rows).toHaveLength(1);
      expect(outcome.rows[0]).toContain(outcome.body.trade.trade_id);
      expect(outcome.newFiles).toBe(1);
      // One append, and one resend only when the first was not written.
      expect(outcome.appends).toBeLessThanOrEqual(2);
    }
  });

  it('answers a clear problem after a burst of 500s longer than its one resend: no row, no orphan Drive file', async () => {
    google.failNext({ method: 'POST', pathPattern: APPEND, status: 500, times: 2 });
    const twice = await postTrade();
    expectClearFailure(twice, [502, 503]);
    expect(twice.appends).toBe(2);

    google.failNext({ method: 'POST', pathPattern: APPEND, status: 500, times: 5 });
    const outage = await postTrade();
    expectClearFailure(outage, [502, 503]);
    expect(outage.appends).toBe(2);
    // What is left of the burst is drained, so the next case starts clean.
    while ((await postTrade()).res.status !== 201);
  });

  it('waits out a 429 burst within its tries, and gives up clearly past them', async () => {
    google.failNext({ method: 'POST', pathPattern: APPEND, status: 429, headers: { 'retry-after': '0' }, times: APPEND_TRIES - 1 });
    const within = await postTrade();
    expect(within.res.status).toBe(201);
    expect(within.rows).toHaveLength(1);
    expect(within.appends).toBe(APPEND_TRIES);

    google.failNext({ method: 'POST', pathPattern: APPEND, status: 429, headers: { 'retry-after': '0' }, times: APPEND_TRIES + 2 });
    const beyond = await postTrade();
    expectClearFailure(beyond, [503]);
    expect(beyond.body.code).toBe('JOURNAL.RATE_LIMITED');
    expect(beyond.appends).toBe(APPEND_TRIES);
    // What is left of the burst is drained, so the next case starts clean.
    while ((await postTrade()).res.status !== 201);
  });

  it('answers a clear problem when Drive fails the upload, and writes no row', async () => {
    google.failNext({ method: 'POST', pathPattern: '/upload/drive/v3/files', status: 500, times: 3 });
    const outcome = await postTrade();
    expectClearFailure(outcome, [502, 503]);
    expect(outcome.appends).toBe(0);
    while ((await postTrade()).res.status !== 201);
  });

  /** Polls with a bounded loop: a job that never leaves queued/running fails the test instead of hanging it. */
  async function analyse(): Promise<Record<string, unknown>> {
    const queued = await api.request('/api/analysis/jobs', { key, json: { sheet_id: spreadsheetId, prompt: 'What should I change?' } });
    expect(queued.status).toBe(202);
    const { job_id } = await queued.json();
    return pollJob(() => api.request(`/api/analysis/jobs/${job_id}`, { key }), { intervalMs: 100 });
  }

  /** Gemini calls since `from`, grouped by request (instructions and parts): how often each one was tried. */
  function triesPerRequest(from: number): number[] {
    const tries = new Map<string, number>();
    for (const call of gemini.calls.slice(from)) {
      const request = JSON.stringify([call.systemInstruction, call.parts]);
      tries.set(request, (tries.get(request) ?? 0) + 1);
    }
    return [...tries.values()];
  }

  it.each([
    ['two 429s', [[2, 429]], 2],
    ['a dropped connection, then a slow answer', [[1, 'drop'], [1, 'slow']], 1],
  ] as const)('completes an analysis through %s, retrying within its tries', async (_name, faults, failures) => {
    const before = gemini.calls.length;
    for (const [times, kind] of faults) gemini.failNext(times, kind, { retryAfterSeconds: 0, delayMs: 300 });
    const job = await analyse();
    expect(job).toMatchObject({ status: 'completed', report: expect.objectContaining({ opportunities: ['Keep the stop where the plan puts it.'] }) });
    const tries = triesPerRequest(before);
    // Each failure cost one extra call of the request it hit, none went past its budget, and nothing was lost to them.
    expect(tries.reduce((sum, t) => sum + t, 0)).toBe(tries.length + failures);
    expect(Math.max(...tries)).toBeLessThanOrEqual(GEMINI_TRIES);
    expect(JSON.stringify(job.warnings)).not.toMatch(/unavailable|rate|quota|timed out|network|fetch failed|socket/i);
  });

  it('ends an analysis with Gemini down for good as failed with a reason, or completed with the steps it lost named — never stuck', async () => {
    const before = gemini.calls.length;
    gemini.failNext(Infinity, 500);
    try {
      const job = await analyse();
      expect(['completed', 'failed']).toContain(job.status);
      if (job.status === 'failed') {
        expect(job.error).toEqual(expect.objectContaining({ code: expect.stringMatching(/^[A-Z]+\.[A-Z_]+$/), message: expect.any(String) }));
      } else {
        // The chart reviews are named as lost; the coach falls back to the rule-based report (not the scripted one).
        expect(job.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ step: 'analyse_images', message: expect.stringMatching(/Gemini is unavailable/) })]));
        expect(job.report).toEqual(expect.objectContaining({ opportunities: expect.not.arrayContaining(['Keep the stop where the plan puts it.']) }));
        // …and the report says which coach wrote it.
        expect(job.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ step: 'synthesize', message: expect.stringMatching(/^Gemini could not write the report .*coach wrote it instead$/) })]));
      }
      const tries = triesPerRequest(before);
      expect(tries.length).toBeGreaterThan(0);
      expect(Math.max(...tries)).toBeLessThanOrEqual(GEMINI_TRIES);
    } finally {
      gemini.failNext(0, 500);
    }
  });
});
