import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { failJobOfDeadLetter, SHEET_COLUMNS, tradeToRow, type AnalysisJob, type StoredTrade } from '@pecunia/core';
import { FsMediaStore, LocalCoach, openDatabase, SqliteJobStore, SqliteJournal, type Database } from '@pecunia/core/local';
import { lambdaContext, sqsRecord as record } from '@pecunia/core/testing';
import { createAnalysisMessageHandler, type AnalysisWorkerDeps } from '@pecunia/core/worker';
import type { SQSEvent } from 'aws-lambda';
import { ConfigError } from './config';
import { createSqsBatchHandler, type LambdaWorker } from '@pecunia/core/aws';
import { createLazyHandler, createLogger, handler, setupFromEnv } from './handler';

const OWNER = 'alice';
const context = lambdaContext();
const sqsRecord = (body: string, messageId: string, receiveCount = 1) => record(body, { messageId, receiveCount });

const trade = (n: number, pnl: number): StoredTrade => ({
  ticker: 'AAPL',
  position_type: 'long',
  pnl,
  entry_timestamp: `2026-03-0${n}T14:30:00Z`,
  exit_timestamp: `2026-03-0${n}T15:00:00Z`,
  notes: '',
  trade_id: `t-${n}`,
  user_id: OWNER,
  file_links: '',
});

const COMPLETE_ENV = {
  AWS_REGION: 'eu-west-1',
  DYNAMODB_TABLE_NAME: 'pecunia-jobs',
  ANALYSIS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/pecunia-analysis',
  GOOGLE_CLIENT_ID: 'client-id',
  GOOGLE_CLIENT_SECRET: 'client-secret',
  TOKEN_ENCRYPTION_SECRET: 'x'.repeat(32),
  APP_LOG_LEVEL: 'silent',
};

describe('analysis Lambda handler', () => {
  let dir: string;
  let db: Database;
  let jobs: SqliteJobStore;
  let deps: AnalysisWorkerDeps;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-lambda-'));
    db = openDatabase(path.join(dir, 'pecunia.sqlite'));
    jobs = new SqliteJobStore(db);
    const journal = new SqliteJournal(db);
    await journal.append(OWNER, { sheetId: 'sheet-1', tab: 'Journal' }, { header: SHEET_COLUMNS, rows: [trade(2, 120), trade(3, -40), trade(4, 0)].map(tradeToRow) });
    deps = {
      jobs,
      journal,
      media: new FsMediaStore({ dir: path.join(dir, 'media'), db, linkFor: (id) => `http://localhost/api/media/${id}` }),
      coach: new LocalCoach(),
      skipReasons: { transcribe_audio: 'no Gemini key configured' },
    };
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const createJob = async (id: string): Promise<AnalysisJob> => {
    const at = new Date().toISOString();
    const job: AnalysisJob = {
      job_id: id,
      user_id: OWNER,
      status: 'queued',
      stage: 'queued',
      progress: 0,
      created_at: at,
      updated_at: at,
      request: { sheet_id: 'sheet-1', sheet_range: 'Journal!A1', prompt: 'How was March?', timezone: 'UTC', start_date: '2026-03-01' },
    };
    await jobs.create(job);
    return job;
  };

  it('completes a job from an SQS event and reports only the failed records', async () => {
    await createJob('job-1');
    const event: SQSEvent = {
      Records: [sqsRecord(JSON.stringify({ job_id: 'job-1', user_id: OWNER }), 'm-1'), sqsRecord('garbage', 'm-2')],
    };

    const response = await createSqsBatchHandler(createAnalysisMessageHandler(deps))(event, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    const job = await jobs.getById('job-1');
    expect(job).toMatchObject({ status: 'completed', progress: 1 });
    expect(job!.result).toMatchObject({
      trade_count: 3,
      period: { start_date: '2026-03-01', timezone: 'UTC' },
      metrics: expect.objectContaining({ net_pnl: 80, win_count: 1, loss_count: 1, breakeven_count: 1 }),
      skipped_steps: expect.arrayContaining([{ step: 'transcribe_audio', reason: 'no Gemini key configured' }]),
    });
  });

  it('imports without configuration and fails each invocation naming every problem', async () => {
    expect(typeof handler).toBe('function');
    const lazy = createLazyHandler(() => setupFromEnv({ TOKEN_ENCRYPTION_SECRET: 'short' }));
    const event: SQSEvent = { Records: [sqsRecord('{}', 'm-1')] };

    const failure = lazy(event, context);

    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/TOKEN_ENCRYPTION_SECRET \(item 1\): must be at least 32 characters/);
    // A Lambda cannot keep jobs or a journal on its temporary disk: the variables that move them are named.
    await expect(failure).rejects.toThrow(/jobs: .*set DYNAMODB_TABLE_NAME/);
    await expect(failure).rejects.toThrow(/journal: .*set the GOOGLE_\* variables/);
  });

  it('composes the AWS and Google families from a complete configuration, calling neither at start', async () => {
    const lazy = createLazyHandler(() => setupFromEnv(COMPLETE_ENV));

    // An empty batch needs no adapter call: the set-up alone is under test (clients built, nothing sent).
    expect(await lazy({ Records: [] }, context)).toEqual({ batchItemFailures: [] });
  });

  it('builds once from configuration and then serves every invocation with the same handler', async () => {
    await createJob('job-2');
    const build = jest.fn(async () => ({ onMessage: createAnalysisMessageHandler(deps), onDeadLetter: failJobOfDeadLetter(jobs), onSchedule: async () => ({ queued: 0 }) }));
    const permissive = createLazyHandler(build);

    const first = await permissive({ Records: [sqsRecord(JSON.stringify({ job_id: 'job-2', user_id: OWNER }), 'm-1')] }, context);
    const second = await permissive({ Records: [sqsRecord(JSON.stringify({ job_id: 'job-2', user_id: OWNER }), 'm-2', 2)] }, context);

    expect(first).toEqual({ batchItemFailures: [] });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(build).toHaveBeenCalledTimes(1);
    expect((await jobs.getById('job-2'))!.status).toBe('completed');
  });

  it('tries its set-up again on the next invocation after one failed', async () => {
    const build = jest
      .fn<Promise<LambdaWorker>, []>()
      .mockRejectedValueOnce(new Error('parameter store unreachable'))
      .mockImplementation(async () => ({ onMessage: createAnalysisMessageHandler(deps), onDeadLetter: failJobOfDeadLetter(jobs), onSchedule: async () => ({ queued: 0 }) }));
    const lazy = createLazyHandler(build);

    await expect(lazy({ Records: [] }, context)).rejects.toThrow('parameter store unreachable');
    expect(await lazy({ Records: [] }, context)).toEqual({ batchItemFailures: [] });
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('logs one JSON object per line at or above the configured level', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (line) => lines.push(line));
    logger.info('hidden');
    logger.warn('shown', { job_id: 'j' });
    expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 'warn', message: 'shown', job_id: 'j' })]);
  });

  it('fails the job of a message the queue gave up on, when the dead-letter queue delivers it', async () => {
    const job = await createJob('job-dead');
    await jobs.start(job.job_id);
    const lambda = createLazyHandler(async () => ({ onMessage: createAnalysisMessageHandler(deps), onDeadLetter: failJobOfDeadLetter(jobs), onSchedule: async () => ({}) }));
    const record = { ...sqsRecord(JSON.stringify({ job_id: job.job_id, user_id: OWNER }), 'm-dead', 1), eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:pecunia-analysis-dlq' };

    expect(await lambda({ Records: [record] }, context)).toEqual({ batchItemFailures: [] });
    expect(await jobs.getById(job.job_id)).toMatchObject({ status: 'failed', error: { code: 'ANALYSIS.ABANDONED' } });
  });
});
