// The AWS family: DynamoDB (one table) for keys, jobs, tokens, nonces, idempotency, schedules and share links; SQS for
// the queue.
import type { Logger } from '../ports/logger.port';
import type { QueueMessageHandler } from '../ports/job-queue.port';
import type { Env } from './env';

/** Clients and stores for what the plan puts on AWS; the SDK loads here, only when the plan names the family. */
export async function openAwsFamily(env: Env) {
  const aws = await import('../aws');
  const region = env.AWS_REGION!;
  const endpoint = env.AWS_ENDPOINT_URL;
  const client = { region, ...(endpoint ? { endpoint } : {}) };
  const table = env.DYNAMODB_TABLE_NAME;
  const dynamo = table ? aws.createDynamoClient(client) : undefined;
  const doc = dynamo ? aws.createDocumentClient(dynamo) : undefined;
  const sqs = env.ANALYSIS_QUEUE_URL ? aws.createSqsClient(client) : undefined;
  return {
    ...(doc && table
      ? {
          jobs: new aws.DynamoJobStore(doc, table),
          apiKeys: new aws.DynamoApiKeyStore(doc, table),
          tokens: new aws.DynamoTokenStore(doc, table),
          nonces: new aws.DynamoNonceStore(doc, table),
          idempotency: new aws.DynamoIdempotencyStore(doc, table, { leaseMs: env.IDEMPOTENCY_LEASE_SECONDS * 1000 }),
          schedules: new aws.DynamoScheduleStore(doc, table),
          shareLinks: new aws.DynamoShareLinkStore(doc, table),
        }
      : {}),
    ...(sqs && env.ANALYSIS_QUEUE_URL ? { queue: new aws.SqsJobQueue(sqs, env.ANALYSIS_QUEUE_URL) } : {}),
    /** What Lambda's event source mapping does, in this process: long-poll the queue into the worker core. */
    poller: (handler: QueueMessageHandler, logger: Logger) => {
      if (!sqs || !env.ANALYSIS_QUEUE_URL) throw new Error('No SQS queue configured (ANALYSIS_QUEUE_URL)');
      return new aws.SqsPoller({ sqs, queueUrl: env.ANALYSIS_QUEUE_URL, handler: aws.createSqsBatchHandler(handler), logger });
    },
    /** Creates (or brings back to their definition) the queue, its dead-letter queue and the table the config names. */
    bootstrap: (logger?: Logger) => {
      if (!sqs || !dynamo || !table || !env.ANALYSIS_QUEUE_URL) throw new Error('aws:bootstrap needs ANALYSIS_QUEUE_URL and DYNAMODB_TABLE_NAME');
      return aws.bootstrapAws({
        sqs,
        dynamo,
        queueUrl: env.ANALYSIS_QUEUE_URL,
        tableName: table,
        maxReceiveCount: env.ANALYSIS_MAX_RECEIVE_COUNT,
        ...(logger ? { logger } : {}),
      });
    },
    close: () => {
      doc?.destroy();
      dynamo?.destroy();
      sqs?.destroy();
    },
  };
}

export type AwsFamily = Awaited<ReturnType<typeof openAwsFamily>>;
