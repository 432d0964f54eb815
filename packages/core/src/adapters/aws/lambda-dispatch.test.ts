import { lambdaContext, sqsRecord } from '../../testing/aws-events';
import type { QueueMessage } from '../../ports/job-queue.port';
import { createLambdaEntry, isProactiveEvent, isSqsEvent, PROACTIVE_ACTION, RECONCILE_ACTION } from './lambda-dispatch';

describe('createLambdaEntry', () => {
  const seen: QueueMessage[] = [];
  const dead: QueueMessage[] = [];
  let runs = 0;
  const entry = createLambdaEntry({
    onMessage: async (message) => {
      seen.push(message);
      if (message.body === 'bad') throw new Error('bad message');
    },
    onDeadLetter: async (message) => {
      dead.push(message);
    },
    onSchedule: async () => ({ queued: ++runs }),
    onReconcile: async () => ({ requeued: ['j1'], failed: [] }),
  });
  beforeEach(() => {
    seen.splice(0);
    dead.splice(0);
    runs = 0;
  });

  it('serves an SQS batch with partial batch failures', async () => {
    const good = sqsRecord('ok');
    const bad = sqsRecord('bad');

    expect(await entry({ Records: [good, bad] }, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(seen.map((m) => m.body).sort()).toEqual(['bad', 'ok']);
  });

  it('hands a batch from the dead-letter queue to the dead-letter handler, not to the worker', async () => {
    const record = { ...sqsRecord('{"job_id":"j","user_id":"u"}'), eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:pecunia-analysis-dlq' };

    expect(await entry({ Records: [record] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(dead.map((m) => m.body)).toEqual(['{"job_id":"j","user_id":"u"}']);
    expect(seen).toEqual([]);
  });

  it('runs the weekly analyses on the schedule event, as the rule target sends it or in EventBridge’s envelope', async () => {
    expect(await entry({ action: PROACTIVE_ACTION }, lambdaContext())).toEqual({ action: PROACTIVE_ACTION, result: { queued: 1 } });
    const envelope = { version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '1', time: '2026-11-29T00:00:00Z', region: 'us-east-1', resources: [], detail: {} };
    expect(await entry(envelope, lambdaContext())).toMatchObject({ result: { queued: 2 } });
    expect(seen).toEqual([]);
  });

  it('runs the jobs reconciliation on its action', async () => {
    expect(await entry({ action: RECONCILE_ACTION }, lambdaContext())).toEqual({ action: RECONCILE_ACTION, result: { requeued: ['j1'], failed: [] } });
    expect(runs).toBe(0);
  });

  it('refuses an event of another shape instead of guessing', async () => {
    await expect(entry({ action: 'delete_everything' }, lambdaContext())).rejects.toThrow(/Unrecognised event/);
    await expect(entry({ Records: [{ eventSource: 'aws:s3' }] }, lambdaContext())).rejects.toThrow(/Unrecognised event/);
    expect(isSqsEvent(null)).toBe(false);
    expect(isProactiveEvent({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: { action: 'other' } })).toBe(false);
    expect(runs).toBe(0);
  });
});
