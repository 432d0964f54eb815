// The analysis worker on its own thread (ANALYSIS_WORKER=thread, the default) behind a real server: a job queued over
// HTTP wakes it, its log lines reach the API's log, /api/health answers while it analyses a big journal, and a shutdown
// with a job in flight gives the job back. One server for the file: a thread costs a second or two to start from source.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHEET_COLUMNS, tradeToRow, type StoredTrade } from '@pecunia/core';
import { openDatabase, SqliteJournal } from '@pecunia/core/local';
import { makeTrade, scriptedGeminiAnswers, standInEnv, startGeminiStandIn, type GeminiStandIn } from '@pecunia/core/testing';
import { startTestServer, type TestServer } from '../testing/test-server';

jest.setTimeout(120_000);

/** `count` trades of user `local`, one every 10 minutes from 2026-01-05, wins and losses mixed over three tickers. */
function journal(count: number): StoredTrade[] {
  const start = Date.parse('2026-01-05T14:30:00Z');
  return Array.from({ length: count }, (_, i) =>
    makeTrade({
      trade_id: `t${i}`,
      user_id: 'local',
      ticker: ['AAPL', 'TSLA', 'ES'][i % 3]!,
      position_type: i % 2 ? 'long' : 'short',
      pnl: ((i * 7919) % 2001) - 1000,
      entry_timestamp: new Date(start + i * 600_000).toISOString(),
      exit_timestamp: new Date(start + i * 600_000 + 240_000).toISOString(),
    }),
  );
}

/** Writes the journal through a second connection, as another process would (the thread has a third). */
async function seed(dataDir: string, sheetId: string, count: number): Promise<void> {
  const db = openDatabase(path.join(dataDir, 'pecunia.sqlite'));
  try {
    await new SqliteJournal(db).append('local', { sheetId, tab: 'Journal' }, { header: SHEET_COLUMNS, rows: journal(count).map(tradeToRow) });
  } finally {
    db.close();
  }
}

describe('the analysis worker on its own thread', () => {
  let models: GeminiStandIn;
  let api: TestServer;
  let dataDir: string;

  const queue = async (sheetId: string): Promise<string> => {
    const queued = await api.request('/api/analysis/jobs', { json: { sheet_id: sheetId, prompt: 'Where am I losing money?' } });
    expect(queued.status).toBe(202);
    return ((await queued.json()) as { job_id: string }).job_id;
  };
  const statusOf = async (jobId: string): Promise<{ status: string; trade_count?: number }> => (await api.request(`/api/analysis/jobs/${jobId}`)).json();
  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    // Gemini as the coach, on loopback: a test can hold the thread's job at the coach, waiting on the network.
    models = await startGeminiStandIn();
    models.respond(scriptedGeminiAnswers());
    // A DATA_DIR of this file's own, read after the server has closed (the helper deletes the one it makes).
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-thread-mode-'));
    // An idle poll of an hour: only the wake-up sent on enqueue can start a job within the test's time.
    const env = { ...standInEnv({ gemini: models }), DATA_DIR: dataDir, ANALYSIS_WORKER: 'thread', SHUTDOWN_GRACE_SECONDS: '0' };
    api = await startTestServer(env, { queuePollIntervalMs: 3_600_000 });
    await Promise.all([seed(dataDir, 'small', 1_000), seed(dataDir, 'big', 5_000)]);
  });
  afterAll(async () => {
    await api?.close();
    await models?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs jobs queued over HTTP, woken at once, and writes its log lines to the API log as analysis-worker', async () => {
    // Act: the thread polled its empty queue before the server listened; it sleeps an hour unless woken.
    const first = await queue('small');
    const firstDone = await until(() => statusOf(first), (job) => job.status !== 'queued' && job.status !== 'running');
    const second = await queue('small');
    const secondDone = await until(() => statusOf(second), (job) => job.status !== 'queued' && job.status !== 'running');
    // Assert
    expect([firstDone, secondDone]).toEqual([expect.objectContaining({ status: 'completed', trade_count: 1_000 }), expect.objectContaining({ status: 'completed', trade_count: 1_000 })]);
    const lines = () => api.logs.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { component?: string; msg: string; job_id?: string });
    expect(lines().find((line) => line.msg === 'analysis thread started')).toMatchObject({ component: 'analysis-worker' });
    // A line reaches the API's log a moment after the write that completed its job.
    const completions = await until(async () => lines().filter((line) => line.msg === 'job completed'), (found) => found.length === 2);
    expect(completions.map((line) => [line.component, line.job_id])).toEqual([
      ['analysis-worker', first],
      ['analysis-worker', second],
    ]);
    const ready = (await (await api.request('/api/health/ready', { key: null })).json()) as { adapters: unknown[] };
    expect(ready.adapters).toContainEqual({ port: 'queue', family: 'local', adapter: 'analysis-thread', status: 'ready' });
  });

  it('answers /api/health while the thread analyses a big journal', async () => {
    // Arrange
    const jobId = await queue('big');
    await until(() => statusOf(jobId), (job) => job.status !== 'queued');
    // Act: health asked again and again from the moment the job runs until it is done.
    const answers: number[] = [];
    let job = await statusOf(jobId);
    while (job.status === 'running') {
      answers.push((await api.request('/api/health', { key: null })).status);
      job = await statusOf(jobId);
    }
    // Assert
    expect(job).toMatchObject({ status: 'completed', trade_count: 5_000 });
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((status) => status === 200)).toBe(true);
  });

  it('gives back a job in flight when the server shuts down (grace period 0): still running, its message waiting', async () => {
    // Arrange: the coach's call hangs, so the job is in the thread's hands, awaiting the network.
    models.respond(() => ({ hang: true }));
    const calls = models.calls.length;
    const jobId = await queue('small');
    await until(async () => models.calls.length, (count) => count > calls);
    // Act
    const outcome = await api.close();
    // Assert
    expect(outcome).toEqual({ inFlight: 0, cut: 0, releasedJobs: 1, clean: false });
    expect(api.logs.join('')).toContain('"msg":"stopped with messages unfinished; released them to the queue"');
    const db = openDatabase(path.join(dataDir, 'pecunia.sqlite'));
    try {
      expect(db.prepare<[string], string>('SELECT status FROM jobs WHERE job_id = ?').pluck().get(jobId)).toBe('running');
      // Visible again at once, for the next start to run whole.
      expect(db.prepare('SELECT count(*) FROM queue_messages WHERE dead_lettered_at IS NULL AND visible_at <= ?').pluck().get(Date.now())).toBe(1);
    } finally {
      db.close();
    }
  });
});
