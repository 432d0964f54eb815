import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SqliteJobQueue } from '../adapters/local/sqlite-job-queue';
import { AnalysisJobService } from '../services/analysis-jobs';
import { appendTrades, generateTrades, OWNER, SHEET } from '../testing/workflow-fixture';
import { compose, type Composition } from './compose';
import { loadConfig } from './config';
import { databaseFile } from './local-family';

describe('compose (local family)', () => {
  let dataDir: string;
  let adapters: Composition;

  beforeEach(async () => {
    dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'pecunia-compose-')), 'data');
    adapters = await compose(loadConfig({ DATA_DIR: dataDir, PUBLIC_BASE_URL: 'https://journal.example' }, 'api'));
  });
  afterEach(async () => {
    await adapters.close();
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('builds every port on one private DATA_DIR and reports each as ready', async () => {
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(databaseFile(dataDir)).isFile()).toBe(true);

    const readiness = await Promise.all(adapters.readiness.map(async ({ port, family, adapter, check }) => ({ port, family, adapter, ok: await check().then(() => true) })));

    expect(readiness).toEqual([
      { port: 'journal', family: 'local', adapter: 'sqlite', ok: true },
      { port: 'media', family: 'local', adapter: 'filesystem', ok: true },
      { port: 'apiKeys', family: 'local', adapter: 'sqlite', ok: true },
      { port: 'jobs', family: 'local', adapter: 'sqlite', ok: true },
      { port: 'tokens', family: 'local', adapter: 'sqlite', ok: true },
      { port: 'nonces', family: 'local', adapter: 'sqlite', ok: true },
      { port: 'idempotency', family: 'local', adapter: 'sqlite', ok: true },
      { port: 'schedules', family: 'local', adapter: 'sqlite', ok: true },
      { port: 'shareLinks', family: 'local', adapter: 'sqlite', ok: true },
      { port: 'queue', family: 'local', adapter: 'sqlite-queue', ok: true },
      { port: 'extractor', family: 'local', adapter: 'rule-based', ok: true },
      { port: 'coach', family: 'local', adapter: 'local-rule-based', ok: true },
    ]);
    expect(adapters.transcriber).toBeUndefined();
    expect(adapters.skipReasons).toMatchObject({ transcribe_audio: 'no Gemini key configured (GEMINI_API_KEY)', web_research: expect.stringMatching(/SERPAPI_API_KEY/) });
  });

  it('signs share links with one secret it generates into DATA_DIR once, and keeps it across restarts', async () => {
    const secrets = adapters.shareLinkSecrets();
    expect(adapters.shareLinkSecrets()).toBe(secrets);
    expect(statSync(path.join(dataDir, 'share-link-secret')).mode & 0o777).toBe(0o600);

    await adapters.close();
    adapters = await compose(loadConfig({ DATA_DIR: dataDir }, 'api'));

    expect(adapters.shareLinkSecrets()).toEqual(secrets);
  });

  it('links media under PUBLIC_BASE_URL', async () => {
    const stored = await adapters.media.put(OWNER, { filename: 'a.png', mimeType: 'image/png', data: new Uint8Array([1, 2, 3]) });
    expect(stored.link).toBe(`https://journal.example/api/media/${stored.id}`);
  });

  it('runs a queued job to completion through its own queue consumer and the worker core', async () => {
    await appendTrades(adapters.journal, generateTrades(20, { timezone: 'UTC', firstDay: '2026-03-02' }));
    const jobs = new AnalysisJobService({ jobs: adapters.jobs, queue: adapters.queue, defaultTimezone: 'UTC' });
    const job = await jobs.create(OWNER, { sheet_id: SHEET.sheetId, sheet_range: `${SHEET.tab}!A1`, prompt: 'How did March go?' });

    const consumer = await adapters.consumeQueue(await adapters.analysisHandler());
    consumer.start();
    try {
      for (let i = 0; i < 200 && (await adapters.jobs.getById(job.job_id))?.status !== 'completed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await consumer.stop();
    }

    const done = await adapters.jobs.get(OWNER, job.job_id);
    expect(done).toMatchObject({ status: 'completed', progress: 1 });
    expect(done!.result).toMatchObject({ trade_count: 20, skipped_steps: expect.arrayContaining([{ step: 'web_research', reason: 'no SerpAPI key configured (SERPAPI_API_KEY)' }]) });
  });

  it("wakes a consumer on another connection to the file (another thread's) when a job is queued here, and releases what it held", async () => {
    // Arrange: a second composition stands for the worker's thread; its idle poll is an hour, so only a wake-up starts it.
    await appendTrades(adapters.journal, generateTrades(5, { timezone: 'UTC', firstDay: '2026-03-02' }));
    const other = await compose(loadConfig({ DATA_DIR: dataDir }, 'api'), { queuePollIntervalMs: 3_600_000 });
    const consumer = await other.consumeQueue(await other.analysisHandler());
    consumer.start();
    const unsubscribe = adapters.localQueue!.onSent(() => other.localQueue!.notifySent());
    const jobs = new AnalysisJobService({ jobs: adapters.jobs, queue: adapters.queue, defaultTimezone: 'UTC', intake: adapters.jobIntake });
    try {
      // Act
      const job = await jobs.create(OWNER, { sheet_id: SHEET.sheetId, sheet_range: `${SHEET.tab}!A1`, prompt: 'How did March go?' });
      while ((await adapters.jobs.getById(job.job_id))?.status !== 'completed') await new Promise((resolve) => setTimeout(resolve, 10));
      // Assert: woken, it completed the job; and what a consumer that is gone held comes back at once from here.
      expect((await adapters.jobs.getById(job.job_id))?.status).toBe('completed');
      await consumer.stop();
      await adapters.queue.enqueue({ job_id: 'gone', user_id: OWNER });
      expect(await (other.queue as SqliteJobQueue).receive({ visibilityTimeoutMs: 60_000 })).toHaveLength(1);
      expect(await adapters.localQueue!.releaseInFlight()).toBe(1);
    } finally {
      unsubscribe();
      await consumer.stop();
      await other.close();
    }
  });

  it('closes what it opened', async () => {
    await adapters.close();
    await expect(adapters.readiness.find((r) => r.port === 'jobs')!.check()).rejects.toThrow();
    adapters = await compose(loadConfig({ DATA_DIR: dataDir }, 'cli'));
  });
});
