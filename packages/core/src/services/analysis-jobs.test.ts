import { openDatabase, type Database } from '../adapters/local/sqlite-database';
import { SqliteJobIntake } from '../adapters/local/sqlite-job-intake';
import { SqliteJobQueue } from '../adapters/local/sqlite-job-queue';
import { SqliteJobStore } from '../adapters/local/sqlite-job-store';
import { analysisResult } from '../testing/analysis-result';
import { AnalysisJobService, QUEUE_CAP_RETRY_AFTER_SECONDS } from './analysis-jobs';

const request = { sheet_id: 'journal', prompt: 'How did my week go?' };

describe('AnalysisJobService queue cap', () => {
  let db: Database;
  let jobs: SqliteJobStore;
  let queue: SqliteJobQueue;

  beforeEach(() => {
    db = openDatabase(':memory:');
    jobs = new SqliteJobStore(db);
    queue = new SqliteJobQueue(db);
  });
  afterEach(() => db.close());

  const service = (maxQueuedPerUser?: number) =>
    new AnalysisJobService({ jobs, queue, defaultTimezone: 'UTC', ...(maxQueuedPerUser === undefined ? {} : { maxQueuedPerUser }) });

  it('refuses a job beyond the cap with 429 ANALYSIS.TOO_MANY_QUEUED and a retry delay, other users unaffected', async () => {
    const jobsOf = service(2);
    await jobsOf.create('alice', request);
    await jobsOf.create('alice', request);

    const refused = jobsOf.create('alice', request);

    await expect(refused).rejects.toMatchObject({ code: 'ANALYSIS.TOO_MANY_QUEUED', status: 429, retryAfterSeconds: QUEUE_CAP_RETRY_AFTER_SECONDS, details: { max_queued: 2 } });
    expect(await jobs.list('alice', 10)).toHaveLength(2);
    expect(await queue.stats()).toMatchObject({ visible: 2 });
    await expect(jobsOf.create('bob', request)).resolves.toMatchObject({ status: 'queued' });
  });

  it('counts queued and running jobs only: a finished job frees its place', async () => {
    const jobsOf = service(1);
    const first = await jobsOf.create('alice', request);
    await jobs.start(first.job_id);
    await expect(jobsOf.create('alice', request)).rejects.toMatchObject({ code: 'ANALYSIS.TOO_MANY_QUEUED' });

    await jobs.complete(first.job_id, analysisResult('done'));

    await expect(jobsOf.create('alice', request)).resolves.toMatchObject({ status: 'queued' });
  });

  it('applies the cap with the one-transaction intake too, and not at all when unset or 0', async () => {
    const intake = new SqliteJobIntake(db, jobs, queue);
    const capped = new AnalysisJobService({ jobs, queue, intake, defaultTimezone: 'UTC', maxQueuedPerUser: 1 });
    await capped.create('alice', request);
    await expect(capped.create('alice', request)).rejects.toMatchObject({ code: 'ANALYSIS.TOO_MANY_QUEUED' });

    for (const uncapped of [service(), service(0)]) await uncapped.create('alice', request);

    expect(await jobs.countUnfinished('alice', 100)).toBe(3);
  });

  it('lets a job the platform starts itself past the cap when asked', async () => {
    const jobsOf = service(1);
    await jobsOf.create('alice', request);

    const weekly = await jobsOf.create('alice', request, { jobId: 'weekly-2026-W10-x', exemptFromQueueCap: true });

    expect(weekly.job_id).toBe('weekly-2026-W10-x');
    expect(await jobs.countUnfinished('alice', 10)).toBe(2);
  });
});
