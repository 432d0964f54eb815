import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, SqliteIdempotencyStore, SqliteJobStore } from '@pecunia/core/local';
import type { AnalysisJob } from '@pecunia/core';
import { startTestServer, type TestServer } from './testing/test-server';
import { pollJob } from './testing/poll-job';

const job = (jobId: string, at: string): AnalysisJob => ({
  job_id: jobId,
  user_id: 'local',
  status: 'queued',
  stage: 'queued',
  progress: 0,
  created_at: at,
  updated_at: at,
  request: { sheet_id: 'no-such-journal', sheet_range: 'Journal!A1', prompt: 'How did I do?', timezone: 'UTC' },
});

describe('a start after a crash', () => {
  let dataDir: string;
  let api: TestServer;

  beforeAll(async () => {
    // What a crash left in DATA_DIR: a queued job whose message was never written, a running job whose message is
    // gone, and a claim of a request that died mid-way, long expired.
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-crashed-'));
    const db = openDatabase(path.join(dataDir, 'pecunia.sqlite'));
    const jobs = new SqliteJobStore(db);
    await jobs.create(job('orphaned', '2026-03-01T09:00:00.000Z'));
    await jobs.create(job('interrupted', '2026-03-01T09:00:00.000Z'));
    await jobs.start('interrupted');
    await new SqliteIdempotencyStore(db, { now: () => Date.parse('2026-03-01T09:00:00Z') }).claim('local', 'k-crashed', 'fp');
    db.close();

    api = await startTestServer({ DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await api.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const statusOf = async (jobId: string) => (await (await api.request(`/api/analysis/jobs/${jobId}`)).json()) as { status: string; error?: { code: string } };

  it('fails the running job whose message is gone, with a reason', async () => {
    expect(await statusOf('interrupted')).toMatchObject({ status: 'failed', error: { code: 'ANALYSIS.INTERRUPTED' } });
  });

  it('queues the orphaned job again, so the worker gets to it', async () => {
    const seen = await pollJob(() => api.request('/api/analysis/jobs/orphaned'));
    // The journal it names does not exist: the worker's own verdict, rather than a job queued forever.
    expect(seen).toMatchObject({ status: 'failed', error: { code: 'SHEET.NOT_FOUND' } });
  });

  it('purges idempotency entries that expired while the server was down', async () => {
    const db = openDatabase(path.join(dataDir, 'pecunia.sqlite'));
    try {
      expect(db.prepare('SELECT count(*) FROM idempotency_keys').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});
