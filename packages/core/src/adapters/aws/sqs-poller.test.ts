import { createHash, randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { LogFields, Logger } from '../../ports/logger.port';
import type { QueueMessage } from '../../ports/job-queue.port';
import { createAnalysisMessageHandler } from '../../services/analysis-worker';
import { parseJobMessage } from '../../services/job-messages';
import { lambdaContext, sqsRecord } from '../../testing/aws-events';
import { describeWithMoto } from '../../testing/aws/moto';
import { appendTrades, createJob, generateTrades, openFixture, OWNER, type AnalysisFixture } from '../../testing/workflow-fixture';
import { redrivePolicy } from './queue-definition';
import { createSqsBatchHandler, type SqsBatchHandler } from './sqs-batch-handler';
import { createSqsClient } from './sqs-client';
import { SqsJobQueue } from './sqs-job-queue';
import { SqsPoller, type SqsPollerOptions } from './sqs-poller';

interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields | undefined;
}

function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields?: LogFields) => void lines.push({ level, message, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until `done` says so; a bounded wait instead of a fixed sleep on SQS's clock. */
async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(20);
  }
}

describe('SqsPoller without SQS', () => {
  it('logs receive errors and keeps polling after a pause, and stop() ends the loop', async () => {
    // Port 9 (discard) on loopback: nothing listens, so every call is refused as during a network outage.
    const sqs = createSqsClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const logger = recordingLogger();
    const poller = new SqsPoller({
      sqs,
      queueUrl: 'http://127.0.0.1:9/123456789012/unreachable',
      handler: async () => ({ batchItemFailures: [] }),
      logger,
      waitTimeSeconds: 1,
      errorPauseMs: 10,
    });

    poller.start();
    await until(async () => logger.lines.length, (count) => count >= 2, 10_000);
    await poller.stop();

    expect(logger.lines.length).toBeGreaterThanOrEqual(2);
    expect(logger.lines[0]).toMatchObject({ level: 'error', message: 'polling the queue failed; trying again after a pause' });
    expect(logger.lines.map((line) => line.fields?.['failures_in_a_row']).slice(0, 2)).toEqual([1, 2]);
    expect(logger.lines[1]!.fields?.['retry_in_ms']).toBe(20);
    sqs.destroy();
  }, 15_000);

  it('refuses settings SQS would refuse or that would spin', () => {
    const sqs = createSqsClient({ region: 'us-east-1' });
    const base = { sqs, queueUrl: 'http://127.0.0.1:9/1/q', handler: (async () => ({ batchItemFailures: [] })) as SqsBatchHandler, logger: recordingLogger() };

    expect(() => new SqsPoller({ ...base, waitTimeSeconds: 0 })).toThrow(expect.objectContaining({ code: 'QUEUE.INVALID_WAIT_TIME' }));
    expect(() => new SqsPoller({ ...base, waitTimeSeconds: 21 })).toThrow(expect.objectContaining({ code: 'QUEUE.INVALID_WAIT_TIME' }));
    expect(() => new SqsPoller({ ...base, batchSize: 11 })).toThrow(expect.objectContaining({ code: 'QUEUE.INVALID_MAX' }));
    sqs.destroy();
  });
});

describeWithMoto('SqsPoller (moto)', (moto) => {
  const VISIBILITY_SECONDS = 1;
  let sqs: SQSClient;
  const pollers: SqsPoller[] = [];

  /** A queue with a one-second visibility timeout (and a dead-letter queue when asked), so redeliveries come fast. */
  async function testQueue(options: { maxReceiveCount?: number } = {}): Promise<{ url: string; arn: string; deadLetterUrl?: string }> {
    const name = `analysis-${randomUUID().slice(0, 8)}`;
    let deadLetterUrl: string | undefined;
    const attributes: Record<string, string> = { VisibilityTimeout: String(VISIBILITY_SECONDS) };
    if (options.maxReceiveCount !== undefined) {
      deadLetterUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
      attributes['RedrivePolicy'] = JSON.stringify(redrivePolicy(await arnOf(deadLetterUrl), options.maxReceiveCount));
    }
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
    return { url, arn: await arnOf(url), ...(deadLetterUrl ? { deadLetterUrl } : {}) };
  }
  const arnOf = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const counts = async (url: string) => {
    const { Attributes: a = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
  };
  const send = (url: string, body: string) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
  const poller = (queueUrl: string, handler: SqsBatchHandler, options: Partial<SqsPollerOptions> = {}) => {
    const created = new SqsPoller({ sqs, queueUrl, handler, logger: recordingLogger(), waitTimeSeconds: 1, ...options });
    pollers.push(created);
    return created;
  };
  /** A Lambda handler (the production wrapper) around a message handler that fails on bodies containing "bad". */
  const failingOnBad = (seen: QueueMessage[]) =>
    createSqsBatchHandler(async (message) => {
      seen.push(message);
      if (message.body.includes('bad')) throw new Error(`cannot handle ${message.messageId}`);
    });

  beforeAll(() => {
    sqs = createSqsClient(moto());
  });
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
  });
  afterAll(() => sqs?.destroy());

  it('hands a batch over as Lambda would, with the real attributes, and deletes what succeeded', async () => {
    const queue = await testQueue();
    const jobs = new SqsJobQueue(sqs, queue.url);
    const sent = [await jobs.enqueue({ job_id: 'j1', user_id: OWNER }), await jobs.enqueue({ job_id: 'j2', user_id: OWNER })];
    const invocations: { event: SQSEvent; remainingMs: number }[] = [];
    const p = poller(queue.url, async (event, context) => {
      invocations.push({ event, remainingMs: context.getRemainingTimeInMillis() });
      return { batchItemFailures: [] };
    });

    const result = await p.runOnce();

    expect(result).toEqual({ received: 2, succeeded: 2, failed: 0 });
    expect(invocations).toHaveLength(1);
    const records = invocations[0]!.event.Records;
    expect(records.map((r) => r.messageId).sort()).toEqual(sent.map((s) => s.messageId).sort());
    for (const record of records) {
      expect(record).toMatchObject({
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: moto().region,
        md5OfBody: createHash('md5').update(record.body).digest('hex'),
        receiptHandle: expect.any(String),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d{13}$/),
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
          SenderId: expect.any(String),
        },
      });
    }
    // The handler's time is the visibility timeout that started when the messages were received.
    expect(invocations[0]!.remainingMs).toBeLessThanOrEqual(VISIBILITY_SECONDS * 1000);
    expect(invocations[0]!.remainingMs).toBeGreaterThan(VISIBILITY_SECONDS * 1000 - 500);
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('leaves a failed record to reappear after the visibility timeout, with a receive count of 2', async () => {
    const queue = await testQueue();
    await send(queue.url, 'good');
    const { MessageId: badId } = await send(queue.url, 'bad');
    const seen: QueueMessage[] = [];
    const p = poller(queue.url, failingOnBad(seen));

    expect(await p.runOnce()).toEqual({ received: 2, succeeded: 1, failed: 1 });
    // Its visibility was not touched: still hidden right after the batch.
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 1 });

    const again = await until(() => p.runOnce(), (r) => r.received > 0);

    expect(again).toEqual({ received: 1, succeeded: 0, failed: 1 });
    expect(seen.slice(0, 2).map((m) => [m.body, m.receiveCount]).sort()).toEqual([
      ['bad', 1],
      ['good', 1],
    ]);
    expect(seen.slice(2).map((m) => [m.body, m.receiveCount])).toEqual([['bad', 2]]);
    expect(seen.at(-1)!.messageId).toBe(badId);
  });

  it('treats a handler that throws as a failure of the whole batch', async () => {
    const queue = await testQueue();
    await send(queue.url, 'one');
    await send(queue.url, 'two');
    const p = poller(queue.url, async () => {
      throw new Error('the function crashed');
    });

    const result = await p.runOnce();

    expect(result).toEqual({ received: 2, succeeded: 0, failed: 2 });
    // Neither deleted nor made visible: both wait out their visibility timeout, as after a Lambda error.
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 2 });
  });

  it('treats a failure naming no record of the batch as a failure of the whole batch, as Lambda does', async () => {
    const queue = await testQueue();
    await send(queue.url, 'one');
    const p = poller(queue.url, async () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }));

    const result = await p.runOnce();

    expect(result).toEqual({ received: 1, succeeded: 0, failed: 1 });
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 1 });
  });

  describe('with the analysis worker', () => {
    let fx: AnalysisFixture;
    beforeEach(async () => {
      fx = openFixture();
      await appendTrades(fx.journal, generateTrades(10, { timezone: 'UTC', firstDay: '2026-03-02' }));
    });
    afterEach(() => fx.close());

    it('moves a poison message to the dead-letter queue after maxReceiveCount receives while its batch completes', async () => {
      const queue = await testQueue({ maxReceiveCount: 2 });
      const job = await createJob(fx.jobs, { timezone: 'UTC' });
      await new SqsJobQueue(sqs, queue.url).enqueue({ job_id: job.job_id, user_id: OWNER });
      const { MessageId: poisonId } = await send(queue.url, '{"job_id": ');
      const seen: QueueMessage[] = [];
      const worker = createAnalysisMessageHandler({ jobs: fx.jobs, journal: fx.journal, media: fx.media, coach: fx.coach, maxReceiveCount: 2 });
      const p = poller(queue.url, createSqsBatchHandler(async (message) => {
        seen.push(message);
        await worker(message);
      }));

      expect(await p.runOnce()).toEqual({ received: 2, succeeded: 1, failed: 1 });
      expect(await until(() => p.runOnce(), (r) => r.received > 0)).toEqual({ received: 1, succeeded: 0, failed: 1 });
      // SQS moves a message when a receive finds it past its limit: any receive, so a short one rather than a long poll.
      const receive = () => sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 0 }));
      await until(async () => (await receive(), (await counts(queue.deadLetterUrl!)).visible), (n) => n > 0);

      const deadLetters = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.deadLetterUrl!, MaxNumberOfMessages: 10 }));
      expect(deadLetters.Messages?.map((m) => [m.MessageId, m.Body])).toEqual([[poisonId, '{"job_id": ']]);
      expect(seen.filter((m) => m.messageId === poisonId).map((m) => m.receiveCount)).toEqual([1, 2]);
      expect((await fx.jobs.getById(job.job_id))!.status).toBe('completed');
      expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    });

    it('runs a message delivered twice through the handler twice, and the handler makes one report', async () => {
      const queue = await testQueue();
      const job = await createJob(fx.jobs, { timezone: 'UTC' });
      const { messageId } = await new SqsJobQueue(sqs, queue.url).enqueue({ job_id: job.job_id, user_id: OWNER });
      const seen: QueueMessage[] = [];
      const worker = createAnalysisMessageHandler({ jobs: fx.jobs, journal: fx.journal, media: fx.media, coach: fx.coach });
      const lambda = createSqsBatchHandler(async (message) => {
        seen.push(message);
        await worker(message);
      });
      const write = jest.spyOn(fx.coach, 'write');
      // A first worker receives the message, does the work and dies before deleting it.
      const { Messages: [taken] = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url }));
      await lambda({ Records: [sqsRecord(taken!.Body!, { messageId: taken!.MessageId!, receiveCount: 1 })] }, lambdaContext());
      const p = poller(queue.url, lambda);

      const redelivered = await until(() => p.runOnce(), (r) => r.received > 0);

      expect(redelivered).toEqual({ received: 1, succeeded: 1, failed: 0 });
      expect(seen.map((m) => [m.messageId, m.receiveCount])).toEqual([
        [messageId, 1],
        [messageId, 2],
      ]);
      expect(write).toHaveBeenCalledTimes(1);
      expect((await fx.jobs.getById(job.job_id))!.status).toBe('completed');
      expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    });

    it('writes one report for two messages of one job in the same batch', async () => {
      const queue = await testQueue();
      const job = await createJob(fx.jobs, { timezone: 'UTC' });
      const jobs = new SqsJobQueue(sqs, queue.url);
      await jobs.enqueue({ job_id: job.job_id, user_id: OWNER });
      await jobs.enqueue({ job_id: job.job_id, user_id: OWNER });
      const write = jest.spyOn(fx.coach, 'write');
      const p = poller(queue.url, createSqsBatchHandler(createAnalysisMessageHandler({ jobs: fx.jobs, journal: fx.journal, media: fx.media, coach: fx.coach })));

      expect(await p.runOnce()).toEqual({ received: 2, succeeded: 2, failed: 0 });

      expect(write).toHaveBeenCalledTimes(1);
      expect((await fx.jobs.getById(job.job_id))!.status).toBe('completed');
    });
  });

  it('once started, handles what arrives; stop() waits for the batch in flight and aborts the long poll', async () => {
    const queue = await testQueue();
    const handled: string[] = [];
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const p = poller(
      queue.url,
      createSqsBatchHandler(async (message) => {
        started();
        await sleep(300);
        handled.push(parseJobMessage(message).job_id);
      }),
      { waitTimeSeconds: 20 },
    );
    p.start();
    await new SqsJobQueue(sqs, queue.url).enqueue({ job_id: 'j1', user_id: OWNER });
    await handlerStarted;

    await p.stop();

    expect(handled).toEqual(['j1']);
    expect(await counts(queue.url)).toEqual({ visible: 0, inFlight: 0 });
    // Idle now, in a 20 s long poll: stop() must not wait it out.
    const idle = poller(queue.url, failingOnBad([]), { waitTimeSeconds: 20 });
    idle.start();
    await sleep(200);
    const stopping = Date.now();
    await idle.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);
  });
});
