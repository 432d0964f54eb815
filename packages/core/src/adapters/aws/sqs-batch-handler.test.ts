import type { SQSRecord } from 'aws-lambda';
import { localLambdaContext, toSqsRecord } from '../local/local-queue-worker';
import { createSqsBatchHandler } from './sqs-batch-handler';

const record = (id: string, body: string): SQSRecord =>
  toSqsRecord({ messageId: id, receiptHandle: `r-${id}`, body, receiveCount: 1, sentAt: '2026-04-01T12:00:00.000Z' }, Date.now());

describe('createSqsBatchHandler', () => {
  const context = localLambdaContext(Date.now() + 60_000);
  const seen: string[] = [];
  const handler = createSqsBatchHandler(async (r) => {
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
});
