import { DEFAULT_MAX_RECEIVE_COUNT } from '../../ports/job-queue.port';
import {
  deadLetterQueueAttributes,
  DEFAULT_LAMBDA_TIMEOUT_SECONDS,
  queueAttributes,
  queueDefinition,
  queueNameFromUrl,
  redrivePolicy,
  visibilityTimeoutFor,
} from './queue-definition';

describe('queue definition', () => {
  it('names the queue by the last path segment of its URL', () => {
    expect(queueNameFromUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/pecunia-analysis')).toBe('pecunia-analysis');
    expect(queueNameFromUrl('http://127.0.0.1:5000/123456789012/pecunia-analysis/')).toBe('pecunia-analysis');
    expect(() => queueNameFromUrl('pecunia-analysis')).toThrow(expect.objectContaining({ code: 'QUEUE.INVALID_URL' }));
    expect(() => queueNameFromUrl('https://sqs.eu-west-1.amazonaws.com/')).toThrow(expect.objectContaining({ code: 'QUEUE.INVALID_URL' }));
  });

  it('gives the worker six times the Lambda timeout before a message comes back', () => {
    expect(visibilityTimeoutFor(DEFAULT_LAMBDA_TIMEOUT_SECONDS)).toBe(1800);
    expect(visibilityTimeoutFor()).toBe(1800);
    expect(visibilityTimeoutFor(900)).toBe(5400);
    for (const bad of [0, 901, 1.5]) {
      expect(() => visibilityTimeoutFor(bad)).toThrow(expect.objectContaining({ code: 'QUEUE.INVALID_LAMBDA_TIMEOUT' }));
    }
  });

  it('derives the dead-letter queue, the redrive policy and the retention from the queue name', () => {
    const definition = queueDefinition({ queueName: 'pecunia-analysis', maxReceiveCount: 5, lambdaTimeoutSeconds: 60 });

    expect(definition).toEqual({
      name: 'pecunia-analysis',
      deadLetterName: 'pecunia-analysis-dlq',
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 360,
      retentionSeconds: 4 * 86_400,
      deadLetterRetentionSeconds: 14 * 86_400,
      receiveWaitSeconds: 20,
    });
    expect(queueAttributes(definition, 'arn:aws:sqs:eu-west-1:123456789012:pecunia-analysis-dlq')).toEqual({
      VisibilityTimeout: '360',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '20',
      RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:pecunia-analysis-dlq","maxReceiveCount":5}',
    });
    expect(deadLetterQueueAttributes(definition)).toEqual({
      VisibilityTimeout: '360',
      MessageRetentionPeriod: '1209600',
      ReceiveMessageWaitTimeSeconds: '20',
    });
  });

  it('defaults to the receive count the worker uses', () => {
    expect(queueDefinition({ queueName: 'q' }).maxReceiveCount).toBe(DEFAULT_MAX_RECEIVE_COUNT);
    expect(redrivePolicy('arn:dlq')).toEqual({ deadLetterTargetArn: 'arn:dlq', maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT });
  });

  it('refuses names and counts SQS would refuse', () => {
    for (const queueName of ['', 'a b', 'jobs.fifo', 'x'.repeat(77)]) {
      expect(() => queueDefinition({ queueName })).toThrow(expect.objectContaining({ code: 'QUEUE.INVALID_NAME' }));
    }
    expect(() => queueDefinition({ queueName: 'x'.repeat(76) })).not.toThrow();
    for (const maxReceiveCount of [0, 1001, 2.5]) {
      expect(() => queueDefinition({ queueName: 'q', maxReceiveCount })).toThrow(expect.objectContaining({ code: 'QUEUE.INVALID_MAX_RECEIVE_COUNT' }));
    }
  });
});
