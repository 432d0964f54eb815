import type { SQSRecord } from 'aws-lambda';
import { lambdaContext, sqsRecord } from '../../testing/aws-events';
import type { QueueMessage } from '../../ports/job-queue.port';
import { createAnalysisMessageHandler } from '../../services/analysis-worker';
import { appendTrades, createJob, generateTrades, openFixture, OWNER } from '../../testing/workflow-fixture';
import { createSqsBatchHandler, fromSqsRecord } from './sqs-batch-handler';

const record = (id: string, body: string): SQSRecord => sqsRecord(body, { messageId: id });

describe('createSqsBatchHandler', () => {
  const context = lambdaContext();
  const seen: string[] = [];
  const handler = createSqsBatchHandler(async (r: QueueMessage) => {
    seen.push(r.messageId);
    if (r.body === 'bad') throw new Error(`cannot handle ${r.messageId}`);
  });
  beforeEach(() => seen.splice(0));

  it('runs every record and lists exactly the failed ones', async () => {
    const response = await handler({ Records: [record('a', 'ok'), record('b', 'bad'), record('c', 'ok')] }, context);
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
  });

  it('reports a batch that failed entirely instead of throwing', async () => {
    const response = await handler({ Records: [record('a', 'bad'), record('b', 'bad')] }, context);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['a', 'b']);
  });

  it('answers an empty batch with no failures', async () => {
    expect(await handler({ Records: [] }, context)).toEqual({ batchItemFailures: [] });
  });

  it('keeps concurrent invocations apart', async () => {
    const [first, second] = await Promise.all([
      handler({ Records: [record('a', 'bad')] }, context),
      handler({ Records: [record('b', 'ok'), record('c', 'bad')] }, context),
    ]);
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'a' }] });
    expect(second).toEqual({ batchItemFailures: [{ itemIdentifier: 'c' }] });
  });

  it('hands the core a plain message: id, body and receive count, nothing of SQS', () => {
    expect(fromSqsRecord(sqsRecord('{"job_id":"j"}', { messageId: 'm-1', receiveCount: 3 }))).toEqual({
      messageId: 'm-1',
      body: '{"job_id":"j"}',
      receiveCount: 3,
    });
  });

  it('reads a missing or unreadable receive count as a first delivery', () => {
    const record = sqsRecord('x', { messageId: 'm-2' });
    record.attributes.ApproximateReceiveCount = 'garbage';
    expect(fromSqsRecord(record).receiveCount).toBe(1);
  });

  it('runs the analysis worker core: a poison record fails alone while its batch-mate completes', async () => {
    const fx = openFixture();
    try {
      await appendTrades(fx.journal, generateTrades(10, { timezone: 'UTC', firstDay: '2026-03-02' }));
      const job = await createJob(fx.jobs, { timezone: 'UTC' });
      const lambda = createSqsBatchHandler(createAnalysisMessageHandler({ jobs: fx.jobs, journal: fx.journal, media: fx.media, coach: fx.coach }));
      const good = sqsRecord(JSON.stringify({ job_id: job.job_id, user_id: OWNER }));
      const poison = sqsRecord('{"job_id": ');

      const response = await lambda({ Records: [good, poison] }, context);

      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
      expect((await fx.jobs.getById(job.job_id))!.status).toBe('completed');
    } finally {
      fx.close();
    }
  });
});
