import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnalysisJob } from '../../domain/job';
import { analysisResult } from '../../testing/analysis-result';
import { openDatabase, type Database } from './sqlite-database';
import { clampListLimit, SqliteJobStore } from './sqlite-job-store';

const job = (id: string, userId: string, createdAt = '2026-03-01T10:00:00.000Z'): AnalysisJob => ({
  job_id: id,
  user_id: userId,
  status: 'queued',
  stage: 'queued',
  progress: 0,
  created_at: createdAt,
  updated_at: createdAt,
  request: { sheet_id: 's1', sheet_range: 'Journal!A1:O', prompt: 'How did I do?', timezone: 'Europe/Paris', start_date: '2026-01-01' },
});

describe('SqliteJobStore', () => {
  let dir: string;
  let file: string;
  let db: Database;
  let clock: number;
  let store: SqliteJobStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
    file = path.join(dir, 'pecunia.sqlite');
    db = openDatabase(file);
    clock = Date.parse('2026-03-01T12:00:00Z');
    store = new SqliteJobStore(db, { now: () => clock });
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is named sqlite and ready', async () => {
    expect(store.name).toBe('sqlite');
    await expect(store.ready()).resolves.toBeUndefined();
  });

  it('creates a job and reads it back as written, only for its owner', async () => {
    await store.create(job('j1', 'alice'));
    expect(await store.get('alice', 'j1')).toEqual(job('j1', 'alice'));
    expect(await store.get('bob', 'j1')).toBeNull();
    expect(await store.get('alice', 'missing')).toBeNull();
    expect(await store.getById('j1')).toEqual(job('j1', 'alice'));
    expect(await store.getById('missing')).toBeNull();
  });

  it('refuses a second job with the same id', async () => {
    await store.create(job('j1', 'alice'));
    await expect(store.create(job('j1', 'bob'))).rejects.toMatchObject({ code: 'JOB.ALREADY_EXISTS', status: 409 });
    expect((await store.getById('j1'))?.user_id).toBe('alice');
  });

  it('lists an owner’s jobs newest first, ties broken by insertion, limit clamped to 1..100', async () => {
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

    for (let i = 0; i < 105; i++) await store.create(job(`many-${i}`, 'carol'));
    expect(await store.list('carol', 1000)).toHaveLength(100);
    expect([0, 1, 2.7, 100, 101, Infinity, -Infinity, NaN].map(clampListLimit)).toEqual([1, 1, 2, 100, 100, 100, 1, 1]);
  });

  it('moves a job through running and progress to completed, stamping updated_at', async () => {
    await store.create(job('j1', 'alice'));
    expect(await store.start('j1')).toBe(true);
    clock += 1000;
    await store.progress('j1', 'metrics', 0.4);
    expect(await store.getById('j1')).toMatchObject({
      status: 'running',
      stage: 'metrics',
      progress: 0.4,
      updated_at: '2026-03-01T12:00:01.000Z',
    });
    clock += 1000;
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
    await store.create(job('j1', 'alice'));
    await store.start('j1');
    expect(await store.complete('j1', analysisResult('first'))).toBe(true);
    const before = await store.getById('j1');
    clock += 5000;
    expect(await store.complete('j1', analysisResult('second'))).toBe(false);
    expect(await store.getById('j1')).toEqual(before);
    expect(await store.complete('missing', analysisResult('x'))).toBe(false);
  });

  it('never fails, restarts or moves a completed job', async () => {
    await store.create(job('j1', 'alice'));
    await store.complete('j1', analysisResult('done'));
    const before = await store.getById('j1');
    clock += 5000;
    await store.fail('j1', { code: 'ANALYSIS.TIMEOUT', message: 'late failure' });
    expect(await store.start('j1')).toBe(false);
    await store.progress('j1', 'metrics', 0.1);
    expect(await store.getById('j1')).toEqual(before);
    expect(await store.start('missing')).toBe(false);
  });

  it('fails a running job, and lets a failed job be started again without its old error', async () => {
    await store.create(job('j1', 'alice'));
    await store.start('j1');
    clock += 1000;
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

  it('clamps progress to 0..1 and refuses a non-number', async () => {
    await store.create(job('j1', 'alice'));
    await store.start('j1');
    await store.progress('j1', 'a', -1);
    expect((await store.getById('j1'))?.progress).toBe(0);
    await store.progress('j1', 'a', 7);
    expect((await store.getById('j1'))?.progress).toBe(1);
    await expect(store.progress('j1', 'a', NaN)).rejects.toMatchObject({ code: 'JOB.INVALID_PROGRESS' });
  });

  it('never moves progress back when a redelivered job re-runs its stages', async () => {
    await store.create(job('j1', 'alice'));
    await store.start('j1');
    await store.progress('j1', 'synthesize', 0.8);
    await store.start('j1');

    await store.progress('j1', 'load_journal', 0.05);

    expect(await store.getById('j1')).toMatchObject({ stage: 'load_journal', progress: 0.8 });
  });

  it('refuses an invalid job', async () => {
    await expect(store.create({ ...job('j1', 'alice'), status: 'paused' } as unknown as AnalysisJob)).rejects.toMatchObject({
      code: 'JOB.INVALID',
      details: { field: 'status' },
    });
    await expect(store.create(job('', 'alice'))).rejects.toMatchObject({ code: 'JOB.INVALID' });
  });

  it('keeps jobs across reopening the database', async () => {
    await store.create(job('j1', 'alice'));
    db.close();
    db = openDatabase(file);
    expect(await new SqliteJobStore(db).get('alice', 'j1')).toEqual(job('j1', 'alice'));
  });
});
