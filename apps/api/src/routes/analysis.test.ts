import { startTestServer, type TestServer } from '../testing/test-server';

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(async () => {
  await api.close();
});

/** 200 trades over March 2026: a fixed pattern of wins, losses and break-evens, exits on distinct minutes. */
function journal(): { pnl: number; exit: string; entry: string }[] {
  return Array.from({ length: 200 }, (_, i) => {
    const day = 2 + (i % 28);
    const minute = 10 + Math.floor(i / 28) * 5;
    const pnl = i % 7 === 0 ? 0 : i % 3 === 0 ? -(50 + (i % 11) * 10.25) : 40 + (i % 13) * 12.5;
    const d = String(day).padStart(2, '0');
    return { pnl, entry: `2026-03-${d}T14:${String(minute).padStart(2, '0')}`, exit: `2026-03-${d}T15:${String(minute).padStart(2, '0')}` };
  });
}

/** The hand computation the report must agree with: sort by exit, walk once. */
function handMetrics(trades: { pnl: number; exit: string }[]) {
  const sorted = [...trades].sort((a, b) => a.exit.localeCompare(b.exit));
  let net = 0;
  let peak = 0;
  let drawdown = 0;
  for (const t of sorted) {
    net += t.pnl;
    peak = Math.max(peak, net);
    drawdown = Math.max(drawdown, peak - net);
  }
  const wins = trades.filter((t) => t.pnl > 0);
  const losses = trades.filter((t) => t.pnl < 0);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    trade_count: trades.length,
    win_count: wins.length,
    loss_count: losses.length,
    breakeven_count: trades.length - wins.length - losses.length,
    net_pnl: round(net),
    gross_profit: round(wins.reduce((s, t) => s + t.pnl, 0)),
    gross_loss: round(-losses.reduce((s, t) => s + t.pnl, 0)),
    max_drawdown: round(drawdown),
    win_rate: Math.round((wins.length / trades.length) * 10_000) / 10_000,
  };
}

async function waitForJob(jobId: string, key?: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const job = await (await api.request(`/api/analysis/jobs/${jobId}`, key ? { key } : {})).json();
    if (job.status === 'completed' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}

describe('analysis jobs', () => {
  const trades = journal();

  beforeAll(async () => {
    for (const t of trades) {
      const res = await api.request('/api/trades?sheet_id=season', {
        json: { ticker: 'AAPL', position_type: 'long', pnl: t.pnl, entry_timestamp: t.entry, exit_timestamp: t.exit },
      });
      expect(res.status).toBe(201);
    }
  });

  it('completes a report whose metrics match a hand computation', async () => {
    const created = await api.request('/api/analysis/jobs', { json: { sheet_id: 'season', prompt: 'How did March go? What about my risk?' } });
    expect(created.status).toBe(202);
    const { job_id, status } = await created.json();
    expect(status).toBe('queued');

    const job = await waitForJob(job_id);

    expect(job).toMatchObject({ status: 'completed', progress: 1, stage: 'completed' });
    expect(job['metrics']).toMatchObject(handMetrics(trades));
    expect(job['report']).toMatchObject({ performance_overview: { summary: expect.any(String), key_metrics: expect.any(Array) } });
    expect(job['report_markdown']).toEqual(expect.stringContaining('## Performance overview'));
    expect(job['report_markdown']).toEqual(expect.stringContaining('data:image/svg+xml;base64,'));
    expect(job['skipped_steps']).toEqual(expect.arrayContaining([expect.objectContaining({ step: 'web_research', reason: expect.stringContaining('SERPAPI_API_KEY') })]));
  });

  it('honours the date range (inclusive, by exit date) and completes an empty range with a clear report', async () => {
    const ranged = await (await api.request('/api/analysis/jobs', { json: { sheet_id: 'season', prompt: 'Week one', start_date: '2026-03-02', end_date: '2026-03-08' } })).json();
    const inRange = trades.filter((t) => t.exit.slice(0, 10) >= '2026-03-02' && t.exit.slice(0, 10) <= '2026-03-08');
    expect((await waitForJob(ranged.job_id))['metrics']).toMatchObject(handMetrics(inRange));

    const empty = await (await api.request('/api/analysis/jobs', { json: { sheet_id: 'season', prompt: 'April?', start_date: '2026-04-01', end_date: '2026-04-30' } })).json();
    const job = await waitForJob(empty.job_id);
    expect(job['status']).toBe('completed');
    expect(JSON.stringify(job['report'])).toMatch(/no trades in range/i);
  });

  it("answers 404 for another user's job and lists only the caller's jobs", async () => {
    const { job_id } = await (await api.request('/api/analysis/jobs', { json: { sheet_id: 'season', prompt: 'mine' } })).json();
    const otherKey = await api.keyFor('intruder');

    const peek = await api.request(`/api/analysis/jobs/${job_id}`, { key: otherKey });
    expect(peek.status).toBe(404);
    expect((await peek.json()).code).toBe('ANALYSIS.JOB_NOT_FOUND');
    expect((await (await api.request('/api/analysis/jobs', { key: otherKey })).json()).jobs).toEqual([]);
    const mine = await (await api.request('/api/analysis/jobs?limit=2')).json();
    expect(mine.jobs).toHaveLength(2);
    expect(mine.jobs[0].job_id).toBe(job_id);
  });

  it('fails a job on a journal that does not exist, with its code', async () => {
    const { job_id } = await (await api.request('/api/analysis/jobs', { json: { sheet_id: 'nothing-here', prompt: 'x' } })).json();
    expect(await waitForJob(job_id)).toMatchObject({ status: 'failed', error: { code: 'SHEET.NOT_FOUND' } });
  });

  it.each([
    [{ sheet_id: 'season', prompt: 'x', start_date: '2026-03-10', end_date: '2026-03-01' }, 'DATE_RANGE.START_AFTER_END'],
    [{ sheet_id: 'season', prompt: 'x', start_date: '2026-02-30' }, 'DATE_RANGE.INVALID_DATE'],
    [{ sheet_id: 'season' }, 'ANALYSIS.INVALID_REQUEST'],
    [{ sheet_id: 'season', prompt: 'x', timezone: 'Nowhere/City' }, 'ANALYSIS.INVALID_REQUEST'],
    [{ sheet_id: '../x', prompt: 'x' }, 'SHEET.INVALID_ID'],
  ])('rejects %p with 400 %s', async (body, code) => {
    const res = await api.request('/api/analysis/jobs', { json: body });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe(code);
  });
});

describe('the per-user cap on waiting jobs', () => {
  let capped: TestServer;
  beforeAll(async () => {
    capped = await startTestServer({ ANALYSIS_MAX_QUEUED_PER_USER: '2', WORKER_ENABLED: 'false' });
  });
  afterAll(async () => {
    await capped.close();
  });

  it('answers 429 ANALYSIS.TOO_MANY_QUEUED with Retry-After once a user has that many queued, other users unaffected', async () => {
    const create = (key?: string) => capped.request('/api/analysis/jobs', { json: { sheet_id: 'journal', prompt: 'How did I do?' }, ...(key ? { key } : {}) });
    expect((await create()).status).toBe(202);
    expect((await create()).status).toBe(202);

    const refused = await create();

    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toMatchObject({ code: 'ANALYSIS.TOO_MANY_QUEUED', max_queued: 2 });
    expect((await create(await capped.keyFor('another-trader'))).status).toBe(202);
  });
});
