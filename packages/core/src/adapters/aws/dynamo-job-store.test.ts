import { randomBytes, randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { computeMetrics } from '../../analysis/metrics';
import { detectPatterns } from '../../analysis/patterns';
import { renderReportMarkdown } from '../../analysis/report-markdown';
import { roundMetrics } from '../../analysis/round-metrics';
import type { AnalysisResult } from '../../domain/analysis-result';
import type { AnalysisJob } from '../../domain/job';
import { analysisResult } from '../../testing/analysis-result';
import { startDynalite, type DynamoStandIn } from '../../testing/aws/dynalite';
import { sampleJournal } from '../../testing/make-trade';
import { LocalCoach } from '../local/local-coach';
import { clampListLimit, DynamoJobStore } from './dynamo-job-store';
import { INLINE_RESULT_MAX_BYTES, packResult } from './dynamo-job-result';

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

/** The result a real analysis of `trades` trades stores: metrics, patterns, the local coach's report and its Markdown. */
async function realResult(trades: number): Promise<AnalysisResult> {
  const journal = sampleJournal(trades);
  const metrics = computeMetrics(journal);
  const patterns = detectPatterns(journal, metrics);
  const report = await new LocalCoach().write({ prompt: 'How did I do?', metrics, patterns });
  const rounded = roundMetrics(metrics);
  return {
    ...analysisResult('unused', { metrics: rounded, patterns, trade_count: rounded.trade_count }),
    report,
    report_markdown: renderReportMarkdown(report, rounded),
  };
}

/** A result whose gzip is over 350 KB: warnings of random text, which no compression shrinks. */
const incompressibleResult = (summary: string): AnalysisResult =>
  analysisResult(summary, {
    warnings: Array.from({ length: 800 }, (_, i) => ({ step: 'load_journal' as const, message: `row ${i}: ${randomBytes(1000).toString('base64')}` })),
  });

describe('DynamoJobStore', () => {
  let dynamo: DynamoStandIn;
  let tableName: string;
  let clock: number;
  let store: DynamoJobStore;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    tableName = await dynamo.newTable();
    clock = Date.parse('2026-03-01T12:00:00Z');
    store = new DynamoJobStore(dynamo.doc, tableName, { now: () => clock });
  });

  const resultChunks = async (jobId: string) => {
    const page = await dynamo.doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :result)',
        ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':result': 'RESULT#' },
      }),
    );
    return page.Items ?? [];
  };

  it('is named dynamodb and ready, and not ready without its table', async () => {
    expect(store.name).toBe('dynamodb');
    await expect(store.ready()).resolves.toBeUndefined();
    await expect(new DynamoJobStore(dynamo.doc, 'no-such-table').ready()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
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

  it('lists an owner’s jobs newest first, ties broken by id, limit clamped to 1..100', async () => {
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
    expect([0, 1, 2.7, 100, 101, Infinity, -Infinity, NaN].map(clampListLimit)).toEqual([1, 1, 2, 100, 100, 100, 1, 1]);
  });

  it('orders random job ids by creation time, and lists summaries without results', async () => {
    const created = Array.from({ length: 12 }, (_, i) => job(randomUUID(), 'alice', new Date(Date.parse('2026-03-01T00:00:00Z') + i * 60_000).toISOString()));
    for (const j of [...created].sort((a, b) => a.job_id.localeCompare(b.job_id))) await store.create(j);
    await store.complete(created[11]!.job_id, analysisResult('newest'));

    const listed = await store.list('alice', 100);

    expect(listed.map((j) => j.job_id)).toEqual(created.map((j) => j.job_id).reverse());
    expect(listed[0]).toMatchObject({ status: 'completed', progress: 1 });
    expect(listed[0]).not.toHaveProperty('result');
  });

  it('moves a job through running and progress to completed, stamping updated_at', async () => {
    await store.create(job('j1', 'alice'));
    expect(await store.start('j1')).toBe(true);
    clock += 1000;
    await store.progress('j1', 'metrics', 0.4);
    expect(await store.getById('j1')).toMatchObject({ status: 'running', stage: 'metrics', progress: 0.4, updated_at: '2026-03-01T12:00:01.000Z' });
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
    expect(await store.getById('missing')).toBeNull();
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
    await store.fail('missing', { code: 'X', message: 'x' });
    await store.progress('missing', 'metrics', 0.1);
    expect(await store.getById('missing')).toBeNull();
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

  it('records progress only for a running job', async () => {
    await store.create(job('j1', 'alice'));
    await store.progress('j1', 'metrics', 0.5);
    expect(await store.getById('j1')).toMatchObject({ status: 'queued', stage: 'queued', progress: 0 });
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

  it('completes a job over 20,000 trades with its whole result, gzipped on the job item', async () => {
    const result = await realResult(20_000);
    await store.create(job('big', 'alice'));
    await store.start('big');

    expect(await store.complete('big', result)).toBe(true);

    expect((await packResult(result)).length).toBeLessThan(INLINE_RESULT_MAX_BYTES);
    expect(await store.get('alice', 'big')).toMatchObject({ status: 'completed', result });
    expect(await resultChunks('big')).toEqual([]);
  }, 30_000);

  it('splits a result whose gzip outgrows an item into chunks, and a duplicate delivery leaves them intact', async () => {
    const first = incompressibleResult('first');
    await store.create(job('huge', 'alice'));
    await store.start('huge');

    expect(await store.complete('huge', first)).toBe(true);
    const chunks = (await resultChunks('huge')).length;
    expect(await store.complete('huge', incompressibleResult('second'))).toBe(false);

    expect(chunks).toBeGreaterThan(1);
    expect((await store.getById('huge'))?.result).toEqual(first);
    expect(await resultChunks('huge')).toHaveLength(chunks);
  }, 30_000);

  it('gives exactly one of two racing completions the job, and keeps the winner’s chunks whole', async () => {
    const results = [incompressibleResult('a'), incompressibleResult('b')];
    await store.create(job('race', 'alice'));
    await store.start('race');

    const outcomes = await Promise.all(results.map((result) => store.complete('race', result)));

    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect((await store.getById('race'))?.result).toEqual(results[outcomes.indexOf(true)]);
  }, 30_000);

  it('creates a job that already carries a large result', async () => {
    const completed: AnalysisJob = { ...job('pre', 'alice'), status: 'completed', stage: 'completed', progress: 1, result: incompressibleResult('pre') };

    await store.create(completed);

    expect(await store.get('alice', 'pre')).toEqual(completed);
    await expect(store.create(completed)).rejects.toMatchObject({ code: 'JOB.ALREADY_EXISTS' });
    expect(await store.get('alice', 'pre')).toEqual(completed);
  }, 30_000);
});
