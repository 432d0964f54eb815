// The JobStore port's promises as one suite, run by each adapter's test file against its own storage.
import { randomUUID } from 'node:crypto';
import type { AnalysisJob } from '../../domain/job';
import type { JobStore } from '../../ports/job-store.port';
import { analysisResult } from '../analysis-result';
import { describeContract, type ClockedStoreSubject } from './contract-suite';
import { queuedJob as job } from './records';

export type JobStoreSubject = ClockedStoreSubject<JobStore>;

const NOON = Date.parse('2026-03-01T12:00:00Z');

export function describeJobStoreContract(name: string, open: () => Promise<JobStoreSubject>): void {
  describeContract(name, open, { clockAt: NOON }, (subject) => {
    it('creates a job and reads it back as written, only for its owner', async () => {
      const { store } = subject();
      await store.create(job('j1', 'alice'));
      expect(await store.get('alice', 'j1')).toEqual(job('j1', 'alice'));
      expect(await store.get('bob', 'j1')).toBeNull();
      expect(await store.get('alice', 'missing')).toBeNull();
      expect(await store.getById('j1')).toEqual(job('j1', 'alice'));
      expect(await store.getById('missing')).toBeNull();
    });

    it('refuses a second job with the same id', async () => {
      const { store } = subject();
      await store.create(job('j1', 'alice'));
      await expect(store.create(job('j1', 'bob'))).rejects.toMatchObject({ code: 'JOB.ALREADY_EXISTS', status: 409 });
      expect((await store.getById('j1'))?.user_id).toBe('alice');
    });

    // Two jobs of the same millisecond: SQLite puts the later insert first, DynamoDB the greater id. The ids below
    // were inserted in id order, so both rules agree on them.
    it('lists an owner’s jobs newest first, limit clamped to 1..100', async () => {
      const { store } = subject();
      await store.create(job('old', 'alice', '2026-03-01T09:00:00.000Z'));
      await store.create(job('same-1', 'alice', '2026-03-01T10:00:00.000Z'));
      await store.create(job('same-2', 'alice', '2026-03-01T10:00:00.000Z'));
      await store.create(job('new', 'alice', '2026-03-01T11:00:00.000Z'));
      await store.create(job('bobs', 'bob', '2026-03-01T12:00:00.000Z'));

      expect((await store.list('alice', 10)).map((j) => j.job_id)).toEqual(['new', 'same-2', 'same-1', 'old']);
      expect((await store.list('alice', 2)).map((j) => j.job_id)).toEqual(['new', 'same-2']);
      expect((await store.list('alice', 0)).map((j) => j.job_id)).toEqual(['new']);
      expect((await store.list('alice', -5)).map((j) => j.job_id)).toEqual(['new']);
      expect(await store.list('nobody', 10)).toEqual([]);

      await Promise.all(Array.from({ length: 105 }, (_, i) => store.create(job(`many-${i}`, 'carol'))));
      expect(await store.list('carol', 1000)).toHaveLength(100);
    });

    it('orders random job ids by creation time, and lists a completed job as completed', async () => {
      const { store } = subject();
      const created = Array.from({ length: 12 }, (_, i) => job(randomUUID(), 'alice', new Date(Date.parse('2026-03-01T00:00:00Z') + i * 60_000).toISOString()));
      for (const j of [...created].sort((a, b) => a.job_id.localeCompare(b.job_id))) await store.create(j);
      await store.complete(created[11]!.job_id, analysisResult('newest'));

      const listed = await store.list('alice', 100);

      expect(listed.map((j) => j.job_id)).toEqual(created.map((j) => j.job_id).reverse());
      expect(listed[0]).toMatchObject({ status: 'completed', progress: 1 });
    });

    it('moves a job through running and progress to completed, stamping updated_at', async () => {
      const { store, clock } = subject();
      await store.create(job('j1', 'alice'));
      expect(await store.start('j1')).toBe(true);
      clock.advance(1000);
      await store.progress('j1', 'metrics', 0.4);
      expect(await store.getById('j1')).toMatchObject({ status: 'running', stage: 'metrics', progress: 0.4, updated_at: '2026-03-01T12:00:01.000Z' });
      clock.advance(1000);
      const result = analysisResult('ok');
      expect(await store.complete('j1', result)).toBe(true);
      expect(await store.get('alice', 'j1')).toEqual({
        ...job('j1', 'alice'),
        status: 'completed',
        stage: 'completed',
        progress: 1,
        updated_at: '2026-03-01T12:00:02.000Z',
        result,
      });
    });

    it('completes once: a second complete returns false and keeps the first result', async () => {
      const { store, clock } = subject();
      await store.create(job('j1', 'alice'));
      await store.start('j1');
      expect(await store.complete('j1', analysisResult('first'))).toBe(true);
      const before = await store.getById('j1');
      clock.advance(5000);
      expect(await store.complete('j1', analysisResult('second'))).toBe(false);
      expect(await store.getById('j1')).toEqual(before);
      expect(await store.complete('missing', analysisResult('x'))).toBe(false);
      expect(await store.getById('missing')).toBeNull();
    });

    it('never fails, restarts or moves a completed job', async () => {
      const { store, clock } = subject();
      await store.create(job('j1', 'alice'));
      await store.complete('j1', analysisResult('done'));
      const before = await store.getById('j1');
      clock.advance(5000);
      await store.fail('j1', { code: 'ANALYSIS.TIMEOUT', message: 'late failure' });
      expect(await store.start('j1')).toBe(false);
      await store.progress('j1', 'metrics', 0.1);
      expect(await store.getById('j1')).toEqual(before);
      expect(await store.start('missing')).toBe(false);
      await store.fail('missing', { code: 'X', message: 'x' });
      await store.progress('missing', 'metrics', 0.1);
      expect(await store.getById('missing')).toBeNull();
    });

    it('fails a running job, and lets a failed job be started again without its old error', async () => {
      const { store, clock } = subject();
      await store.create(job('j1', 'alice'));
      await store.start('j1');
      clock.advance(1000);
      await store.fail('j1', { code: 'UPSTREAM.SHEETS', message: 'Sheets unavailable' });
      expect(await store.getById('j1')).toMatchObject({
        status: 'failed',
        error: { code: 'UPSTREAM.SHEETS', message: 'Sheets unavailable' },
        updated_at: '2026-03-01T12:00:01.000Z',
      });
      expect(await store.start('j1')).toBe(true);
      const restarted = await store.getById('j1');
      expect(restarted?.status).toBe('running');
      expect(restarted).not.toHaveProperty('error');
    });

    it('reopens a job that failed with the given code back to queued, and nothing else', async () => {
      const { store, clock } = subject();
      await store.create(job('j1', 'alice'));
      await store.fail('j1', { code: 'QUEUE.UNAVAILABLE', message: 'The job could not be queued' });
      clock.advance(1000);

      expect(await store.reopen('j1', 'OTHER.CODE')).toBe(false);
      expect(await store.reopen('j1', 'QUEUE.UNAVAILABLE')).toBe(true);
      const reopened = await store.getById('j1');
      expect(reopened).toMatchObject({ status: 'queued', stage: 'queued', progress: 0, updated_at: '2026-03-01T12:00:01.000Z' });
      expect(reopened).not.toHaveProperty('error');
      // Only once: a second run finds it queued, and a queued, running or missing job is not reopened.
      expect(await store.reopen('j1', 'QUEUE.UNAVAILABLE')).toBe(false);
      expect(await store.reopen('missing', 'QUEUE.UNAVAILABLE')).toBe(false);
    });

    it('lists the unfinished jobs not updated since a time, least recently updated first, without results', async () => {
      const { store, clock } = subject();
      await store.create(job('queued-old', 'alice', '2026-03-01T09:00:00.000Z'));
      await store.create(job('running-old', 'bob', '2026-03-01T08:00:00.000Z'));
      await store.start('running-old'); // updated_at: noon
      await store.create(job('queued-recent', 'alice', '2026-03-01T11:59:00.000Z'));
      await store.create(job('done', 'alice', '2026-03-01T07:00:00.000Z'));
      await store.complete('done', analysisResult('done'));
      await store.create(job('failed', 'alice', '2026-03-01T07:00:00.000Z'));
      await store.fail('failed', { code: 'X', message: 'x' });
      clock.advance(60_000);

      const before = (at: string, limit = 10) => store.listUnfinished(at, limit).then((jobs) => jobs.map((j) => [j.job_id, j.status]));

      expect(await before('2026-03-01T11:59:30.000Z')).toEqual([['queued-old', 'queued'], ['queued-recent', 'queued']]);
      expect(await before('2026-03-01T12:00:30.000Z')).toEqual([['queued-old', 'queued'], ['queued-recent', 'queued'], ['running-old', 'running']]);
      expect(await before('2026-03-01T12:00:30.000Z', 1)).toEqual([['queued-old', 'queued']]);
      expect(await before('2026-03-01T09:00:00.000Z')).toEqual([]);
      expect((await store.listUnfinished('2026-03-02T00:00:00.000Z', 10))[0]).toEqual(job('queued-old', 'alice', '2026-03-01T09:00:00.000Z'));
    });

    it('counts an owner’s queued and running jobs, up to the cap asked for', async () => {
      const { store } = subject();
      await store.create(job('queued', 'alice'));
      await store.create(job('running', 'alice'));
      await store.start('running');
      await store.create(job('done', 'alice'));
      await store.complete('done', analysisResult('done'));
      await store.create(job('failed', 'alice'));
      await store.fail('failed', { code: 'X', message: 'x' });
      await store.create(job('bobs', 'bob'));

      expect(await store.countUnfinished('alice', 10)).toBe(2);
      expect(await store.countUnfinished('alice', 1)).toBe(1);
      expect(await store.countUnfinished('alice', 0)).toBe(0);
      expect(await store.countUnfinished('bob', 10)).toBe(1);
      expect(await store.countUnfinished('nobody', 10)).toBe(0);
    });

    it('records progress only for a running job', async () => {
      const { store } = subject();
      await store.create(job('j1', 'alice'));
      await store.progress('j1', 'metrics', 0.5);
      expect(await store.getById('j1')).toMatchObject({ status: 'queued', stage: 'queued', progress: 0 });
    });

    it('clamps progress to 0..1 and refuses a non-number', async () => {
      const { store } = subject();
      await store.create(job('j1', 'alice'));
      await store.start('j1');
      await store.progress('j1', 'a', -1);
      expect((await store.getById('j1'))?.progress).toBe(0);
      await store.progress('j1', 'a', 7);
      expect((await store.getById('j1'))?.progress).toBe(1);
      await expect(store.progress('j1', 'a', NaN)).rejects.toMatchObject({ code: 'JOB.INVALID_PROGRESS' });
    });

    it('never moves progress back when a redelivered job re-runs its stages', async () => {
      const { store } = subject();
      await store.create(job('j1', 'alice'));
      await store.start('j1');
      await store.progress('j1', 'synthesize', 0.8);
      await store.start('j1');

      await store.progress('j1', 'load_journal', 0.05);

      expect(await store.getById('j1')).toMatchObject({ stage: 'load_journal', progress: 0.8 });
    });

    it('refuses an invalid job', async () => {
      const { store } = subject();
      await expect(store.create({ ...job('j1', 'alice'), status: 'paused' } as unknown as AnalysisJob)).rejects.toMatchObject({
        code: 'JOB.INVALID',
        details: { field: 'status' },
      });
      await expect(store.create(job('', 'alice'))).rejects.toMatchObject({ code: 'JOB.INVALID' });
    });
  });
}
