import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHEET_COLUMNS, tradeToRow, type AnalysisJob, type StoredTrade } from '@pecunia/core';
import { FsMediaStore, LocalCoach, openDatabase, SqliteJobStore, SqliteJournal, type Database } from '@pecunia/core/local';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { ConfigError, loadConfig } from './config';
import { AdaptersUnavailableError, buildHandler, createLazyHandler, createLogger, handler } from './handler';

const OWNER = 'alice';
const context = {
  functionName: 'pecunia-analysis',
  awsRequestId: 'test-request',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

function sqsRecord(body: string, messageId: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1775044800000',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '1775044800000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:analysis',
    awsRegion: 'eu-west-1',
  };
}

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
  GOOGLE_CLIENT_ID: 'client-id',
  GOOGLE_CLIENT_SECRET: 'client-secret',
  TOKEN_ENCRYPTION_SECRET: 'x'.repeat(32),
  APP_LOG_LEVEL: 'silent',
};

describe('analysis Lambda handler', () => {
  let dir: string;
  let db: Database;
  let jobs: SqliteJobStore;
  let deps: Parameters<typeof buildHandler>[0];

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

    const response = await buildHandler(deps)(event, context);

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

  it('imports without configuration and fails each invocation naming every missing variable', async () => {
    expect(typeof handler).toBe('function');
    const lazy = createLazyHandler(() => ({ TOKEN_ENCRYPTION_SECRET: 'short' }));
    const event: SQSEvent = { Records: [sqsRecord('{}', 'm-1')] };

    const failure = lazy(event, context);

    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/AWS_REGION/);
    await expect(failure).rejects.toThrow(/DYNAMODB_TABLE_NAME/);
    await expect(failure).rejects.toThrow(/GOOGLE_CLIENT_ID/);
    await expect(failure).rejects.toThrow(/TOKEN_ENCRYPTION_SECRET: must be at least 32 characters/);
  });

  it('names the adapters this build lacks when the configuration is complete', async () => {
    const lazy = createLazyHandler(() => COMPLETE_ENV);

    const failure = lazy({ Records: [] }, context);

    await expect(failure).rejects.toBeInstanceOf(AdaptersUnavailableError);
    await expect(failure).rejects.toThrow(/DynamoDB job store on table pecunia-jobs/);
    await expect(failure).rejects.toThrow(/Google Sheets journal/);
  });

  it('builds once from configuration and then serves every invocation with the same handler', async () => {
    await createJob('job-2');
    const build = jest.fn(() => deps);
    const lazy = createLazyHandler(() => COMPLETE_ENV, build);

    const first = await lazy({ Records: [sqsRecord(JSON.stringify({ job_id: 'job-2', user_id: OWNER }), 'm-1')] }, context);
    const second = await lazy({ Records: [sqsRecord(JSON.stringify({ job_id: 'job-2', user_id: OWNER }), 'm-2', 2)] }, context);

    expect(first).toEqual({ batchItemFailures: [] });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(build).toHaveBeenCalledTimes(1);
    expect((await jobs.getById('job-2'))!.status).toBe('completed');
  });

  it('derives skip reasons from the keys that are not set', () => {
    expect(loadConfig(COMPLETE_ENV).skipReasons).toEqual({
      transcribe_audio: 'no Gemini key configured (GEMINI_API_KEY)',
      analyse_images: 'no Gemini key configured (GEMINI_API_KEY)',
      web_research: 'no web search key configured (SERPAPI_API_KEY)',
    });
    // Keys set but no adapter for them in this build: the reason says so instead of claiming the key is missing.
    expect(loadConfig({ ...COMPLETE_ENV, GEMINI_API_KEY: 'k', SERPAPI_API_KEY: 's' }).skipReasons).toEqual({
      transcribe_audio: 'Gemini media analysis is not available in this build',
      analyse_images: 'Gemini media analysis is not available in this build',
      web_research: 'SerpAPI web research is not available in this build',
    });
    expect(loadConfig(COMPLETE_ENV).env.ANALYSIS_MAX_RECEIVE_COUNT).toBe(3);
  });

  it('logs one JSON object per line at or above the configured level', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (line) => lines.push(line));
    logger.info('hidden');
    logger.warn('shown', { job_id: 'j' });
    expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 'warn', message: 'shown', job_id: 'j' })]);
  });
});
