// Lambda-shaped inputs for tests of the AWS entry points: an SQS record as Lambda delivers it, and an invocation context.
import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSRecord } from 'aws-lambda';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:pecunia-analysis';

/** The record Lambda's SQS event source mapping would hand over for this body. */
export function sqsRecord(body: string, options: { messageId?: string; receiveCount?: number; sentAt?: number } = {}): SQSRecord {
  const sentAt = options.sentAt ?? Date.now();
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: `receipt-${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(sentAt),
      SenderId: 'pecunia-test',
      ApproximateFirstReceiveTimestamp: String(sentAt),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

/** An invocation context with `remainingMs` left; the callback API is refused, as our handlers return promises. */
export function lambdaContext(remainingMs = 60_000): Context {
  const deadline = Date.now() + remainingMs;
  const unsupported = (): never => {
    throw new Error('The callback API of the Lambda context is not supported; return a promise.');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'pecunia-analysis-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:pecunia-analysis-test',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/pecunia-analysis-test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
