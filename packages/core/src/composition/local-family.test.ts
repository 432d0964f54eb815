import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AnalysisJobService } from '../services/analysis-jobs';
import { databaseFile, openLocalFamily, type LocalFamily } from './local-family';

describe('the local family', () => {
  let dir: string;
  let family: LocalFamily;
  /** A second connection, as a crash-time observer (and to install failures) sees the file. */
  let raw: BetterSqlite3.Database;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-family-'));
    family = await openLocalFamily({ dataDir: dir, publicBaseUrl: () => 'http://localhost', maxReceiveCount: 1 });
    raw = new BetterSqlite3(databaseFile(dir));
  });
  afterEach(() => {
    raw.close();
    family.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const service = () => new AnalysisJobService({ jobs: family.jobs, queue: family.queue, intake: family.jobIntake, defaultTimezone: 'UTC' });
  const count = (table: string) => raw.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get();

  it('writes a new job and its queue message in one transaction: a failed message leaves no job behind', async () => {
    raw.exec("CREATE TRIGGER refuse_message BEFORE INSERT ON queue_messages BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;");

    await expect(service().create('alice', { sheet_id: 'j', prompt: 'How did I do?' })).rejects.toMatchObject({ code: 'QUEUE.UNAVAILABLE', status: 503 });

    expect([count('jobs'), count('queue_messages')]).toEqual([0, 0]);
    raw.exec('DROP TRIGGER refuse_message');
    const job = await service().create('alice', { sheet_id: 'j', prompt: 'How did I do?' });
    expect([...(await family.queue.pendingJobIds())]).toEqual([job.job_id]);
  });

  it('fails a job in the transaction that dead-letters its message: neither happens without the other', async () => {
    const job = await service().create('alice', { sheet_id: 'j', prompt: 'How did I do?' });
    await family.queue.receive({ visibilityTimeoutMs: 0 });
    await family.jobs.start(job.job_id);
    raw.exec("CREATE TRIGGER refuse_fail BEFORE UPDATE ON jobs WHEN NEW.status = 'failed' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;");

    // Matched by code: better-sqlite3's error class comes from whichever test file loaded the addon first.
    await expect(family.queue.receive()).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_TRIGGER' });

    expect((await family.queue.stats()).deadLetter).toBe(0);
    expect((await family.jobs.getById(job.job_id))?.status).toBe('running');
    raw.exec('DROP TRIGGER refuse_fail');
    expect(await family.queue.receive()).toEqual([]);
    expect((await family.queue.stats()).deadLetter).toBe(1);
    expect(await family.jobs.getById(job.job_id)).toMatchObject({ status: 'failed', error: { code: 'ANALYSIS.ABANDONED' } });
  });
});
