// AWS mode end to end on moto (SQS and DynamoDB on loopback): the API enqueues on SQS, an SQS worker runs the
// analysis, DynamoDB keeps the job and its report; duplicates, a poison message and the weekly event twice.
import { GetQueueAttributesCommand, SendMessageCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { compose, loadConfig, type Composition, type QueueConsumer } from '@pecunia/core/composition';
import { describeWithMoto } from '@pecunia/core/testing';
import { runBootstrapCommand } from './cli/aws-bootstrap';
import { startTestServer, type TestServer } from './testing/test-server';

jest.setTimeout(90_000);

const NARRATIVE = (n: number) => `Bought 100 AAPL at 189.20 on 2026-03-0${n} at 09:41, sold 10:15 at 191.05. +$${100 + n}`;

describeWithMoto('AWS mode, end to end on moto', (moto) => {
  let env: Record<string, string>;
  let api: TestServer;
  let worker: Composition;
  let consumer: QueueConsumer;
  const lines: string[] = [];

  beforeAll(async () => {
    const { endpoint, region, credentials } = moto();
    // The AWS SDK reads its credentials from the process environment (its own chain), never from our config.
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    env = {
      AWS_REGION: region,
      AWS_ENDPOINT_URL: endpoint,
      DYNAMODB_TABLE_NAME: 'pecunia-e2e',
      ANALYSIS_QUEUE_URL: `${endpoint}/123456789012/pecunia-e2e`,
      ANALYSIS_MAX_RECEIVE_COUNT: '2',
      WORKER_ENABLED: 'false',
      APP_LOG_LEVEL: 'silent',
      SHARE_LINK_SECRET: 'aws-mode-share-link-secret-0123456789abcdef',
    };
    expect(await runBootstrapCommand(env, (line) => lines.push(line))).toBe(0);
    // Run twice: the second finds everything as defined.
    expect(await runBootstrapCommand(env, (line) => lines.push(line))).toBe(0);
    // A short visibility timeout, so the poison message's redeliveries fit in a test.
    const probe = await compose(loadConfig(env, 'worker'));
    await sqsOf(probe).send(new SetQueueAttributesCommand({ QueueUrl: env.ANALYSIS_QUEUE_URL, Attributes: { VisibilityTimeout: '1' } }));
    await probe.close();

    api = await startTestServer(env);
    // The SQS worker as `npm run -s worker:sqs` runs it: the composition's consumer of the configured queue.
    worker = await compose(loadConfig({ ...env, DATA_DIR: api.dataDir }, 'worker'));
    consumer = await worker.consumeQueue(await worker.analysisHandler());
    consumer.start();
  });
  afterAll(async () => {
    await consumer?.stop();
    await worker?.close();
    await api?.close();
  });

  /** The SQS client the composition built (its queue adapter's), to send what only a broken producer would. */
  function sqsOf(adapters: Composition) {
    return (adapters.queue as unknown as { sqs: SQSClient }).sqs;
  }

  async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('bootstrapped the queue, its dead-letter queue and the table, idempotently', () => {
    const [first, second] = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(first).toMatchObject({ queue: { status: 'created' }, deadLetterQueue: { status: 'created' }, table: { status: 'created' } });
    expect(second).toMatchObject({ queue: { status: 'unchanged' }, deadLetterQueue: { status: 'unchanged' }, table: { status: 'unchanged' } });
  });

  it('runs a job from the API through SQS and the worker to a report in DynamoDB, once, even when delivered twice', async () => {
    for (const n of [2, 3, 4]) {
      expect((await api.request('/api/trades/submit?sheet_id=aws-journal', { json: { content: NARRATIVE(n) } })).status).toBe(201);
    }
    const queued = await api.request('/api/analysis/jobs', { json: { sheet_id: 'aws-journal', prompt: 'How was early March?' } });
    expect(queued.status).toBe(202);
    const { job_id } = await queued.json();

    const job = await waitFor(
      async () => (await api.request(`/api/analysis/jobs/${job_id}`)).json(),
      (body: { status: string }) => body.status === 'completed' || body.status === 'failed',
      'the job',
    );
    expect(job).toMatchObject({ status: 'completed', trade_count: 3, metrics: expect.objectContaining({ net_pnl: 309 }) });
    expect((await api.composition.jobs.getById(job_id))?.result?.report_markdown).toContain('#');

    // The same job delivered again (SQS is at least once): handled, dropped, the stored report untouched.
    const before = await api.composition.jobs.getById(job_id);
    await sqsOf(api.composition).send(
      new SendMessageCommand({ QueueUrl: env.ANALYSIS_QUEUE_URL, MessageBody: JSON.stringify({ job_id, user_id: 'local' }) }),
    );
    await waitFor(() => queueDepth(), (depth) => depth === 0, 'the duplicate to be consumed');
    expect(await api.composition.jobs.getById(job_id)).toEqual(before);
  });

  it('shares a report through DynamoDB: the link opens without a key until it is revoked', async () => {
    const { job_id } = await (await api.request('/api/analysis/jobs', { json: { sheet_id: 'aws-journal', prompt: 'Worth sharing?' } })).json();
    await waitFor(
      async () => (await api.request(`/api/analysis/jobs/${job_id}`)).json(),
      (body: { status: string }) => body.status === 'completed',
      'the job to share',
    );

    const link = await (await api.request(`/api/analysis/jobs/${job_id}/share`, { method: 'POST', json: { expires_in: 3600 } })).json();
    const opened = await api.request(new URL(link.url).pathname, { key: null });
    const revoked = await api.request(`/api/analysis/jobs/${job_id}/share/${link.id}`, { method: 'DELETE' });

    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('Worth sharing?');
    expect(revoked.status).toBe(204);
    expect((await api.request(new URL(link.url).pathname, { key: null })).status).toBe(404);
    expect(api.composition.readiness.find((r) => r.port === 'shareLinks')).toMatchObject({ family: 'aws', adapter: 'dynamodb' });
  });

  it('moves a poison message to the dead-letter queue after its receive limit, while the rest of the queue completes', async () => {
    await sqsOf(api.composition).send(new SendMessageCommand({ QueueUrl: env.ANALYSIS_QUEUE_URL, MessageBody: 'not a job' }));
    const queued = await api.request('/api/analysis/jobs', { json: { sheet_id: 'aws-journal', prompt: 'And now?' } });
    const { job_id } = await queued.json();

    await waitFor(
      async () => (await api.request(`/api/analysis/jobs/${job_id}`)).json(),
      (body: { status: string }) => body.status === 'completed',
      'the job beside the poison message',
    );
    await waitFor(() => queueDepth(`${env.ANALYSIS_QUEUE_URL}-dlq`), (depth) => depth === 1, 'the poison message in the dead-letter queue');
  });

  it('queues one weekly job per user however often the weekly event fires', async () => {
    expect((await api.request('/api/schedules/weekly', { method: 'PUT', json: { sheet_id: 'aws-journal', enabled: true } })).status).toBe(200);
    const other = await api.keyFor('other-trader');
    expect((await api.request('/api/schedules/weekly', { method: 'PUT', key: other, json: { sheet_id: 'other-journal', enabled: true } })).status).toBe(200);

    const first = await worker.runWeeklyAnalyses();
    const second = await worker.runWeeklyAnalyses();

    expect(first).toMatchObject({ queued: 2, already_queued: 0, failed: [] });
    expect(second).toMatchObject({ queued: 0, already_queued: 2, failed: [] });
    const weekly = (await api.composition.jobs.list('local', 20)).filter((job) => job.job_id.startsWith('weekly-'));
    expect(weekly).toHaveLength(1);
  });

  async function queueDepth(url = env.ANALYSIS_QUEUE_URL): Promise<number> {
    const { Attributes = {} } = await sqsOf(api.composition).send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
});
