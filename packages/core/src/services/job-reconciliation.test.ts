import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoJobStore } from '../adapters/aws/dynamo-job-store';
import { createSqsClient } from '../adapters/aws/sqs-client';
import { SqsJobQueue } from '../adapters/aws/sqs-job-queue';
import { SqliteJobQueue } from '../adapters/local/sqlite-job-queue';
import { SqliteJobStore } from '../adapters/local/sqlite-job-store';
import { useEngineTable } from '../testing/aws/dynalite';
import { describeWithMoto } from '../testing/aws/moto';
import { queuedJob } from '../testing/contracts/records';
import { openTempDatabase, type TempDatabase } from '../testing/local/temp-database';
import { manualClock } from '../testing/manual-clock';
import { reconcileJobs } from './job-reconciliation';

describe('reconcileJobs on the local queue (it knows every message)', () => {
  let sqlite: TempDatabase;
  const clock = manualClock();
  beforeEach(() => {
    sqlite = openTempDatabase();
    clock.set(Date.parse('2026-03-01T10:00:00Z'));
  });
  afterEach(async () => {
    await sqlite.close();
  });

  it('queues again a queued job a crash left without its message, fails a running one whose message is gone, and leaves the rest', async () => {
    const jobs = new SqliteJobStore(sqlite.db, { now: clock.now });
    const queue = new SqliteJobQueue(sqlite.db, { now: clock.now, maxReceiveCount: 1 });
    const at = '2026-03-01T09:00:00.000Z';
    // A crash between the job's write and its message's (the two-write path).
    await jobs.create(queuedJob('orphan', 'alice', at));
    // A crash between a dead-letter move and the job's failure (before they shared a transaction).
    await jobs.create(queuedJob('dead-lettered', 'alice', at));
    await queue.enqueue({ job_id: 'dead-lettered', user_id: 'alice' });
    await queue.receive();
    await jobs.start('dead-lettered');
    clock.advance(31_000);
    await queue.receive(); // its visibility ran out: this receive moves it to the dead letters
    expect((await queue.stats()).deadLetter).toBe(1);
    // Healthy: a running job with its message in flight, a queued one with its message waiting.
    await jobs.create(queuedJob('working', 'bob', at));
    await queue.enqueue({ job_id: 'working', user_id: 'bob' });
    await jobs.start('working');
    await queue.receive({ visibilityTimeoutMs: 60_000 });
    await jobs.create(queuedJob('waiting', 'alice', at));
    await queue.enqueue({ job_id: 'waiting', user_id: 'alice' });
    clock.advance(1);

    const result = await reconcileJobs({ jobs, queue, now: () => new Date(clock.now()) });

    expect(result).toEqual({ requeued: ['orphan'], failed: ['dead-lettered'] });
    expect([...(await queue.pendingJobIds())].sort()).toEqual(['orphan', 'waiting', 'working']);
    expect(await jobs.getById('dead-lettered')).toMatchObject({ status: 'failed', error: { code: 'ANALYSIS.INTERRUPTED' } });
    expect((await jobs.getById('working'))?.status).toBe('running');
    expect(await reconcileJobs({ jobs, queue, now: () => new Date(clock.now()) })).toEqual({ requeued: [], failed: [] });
  });
});

describeWithMoto('reconcileJobs on DynamoDB and SQS (moto; SQS cannot list its messages)', (moto) => {
  const dynamo = useEngineTable(moto);
  let sqs: SQSClient;
  beforeAll(() => {
    sqs = createSqsClient(moto());
  });
  afterAll(() => sqs?.destroy());

  it('sends again the message of a queued job untouched for longer than asked, and fails one queued for over a day', async () => {
    const clock = manualClock(Date.parse('2026-03-02T12:00:00Z'));
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `reconcile-${randomUUID().slice(0, 8)}` }))).QueueUrl!;
    const jobs = new DynamoJobStore(dynamo.doc, dynamo.tableName, { now: clock.now });
    const queue = new SqsJobQueue(sqs, queueUrl);
    // The API wrote these jobs to DynamoDB and crashed before SQS got their messages.
    await jobs.create(queuedJob('lost', 'alice', '2026-03-02T11:30:00.000Z'));
    await jobs.create(queuedJob('fresh', 'alice', '2026-03-02T11:55:00.000Z'));
    await jobs.create(queuedJob('ancient', 'bob', '2026-02-28T12:00:00.000Z'));
    await jobs.create(queuedJob('running', 'bob', '2026-03-02T11:00:00.000Z'));
    await jobs.start('running');

    const result = await reconcileJobs({ jobs, queue, now: () => new Date(clock.now()) }, { olderThanMs: 15 * 60_000 });

    expect(result).toEqual({ requeued: ['lost'], failed: ['ancient'] });
    const { Messages: sent = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(sent.map((m) => m.Body)).toEqual(['{"job_id":"lost","user_id":"alice"}']);
    expect(await jobs.getById('ancient')).toMatchObject({ status: 'failed', error: { code: 'ANALYSIS.ABANDONED' } });
    expect((await jobs.getById('running'))?.status).toBe('running');
  });
});
