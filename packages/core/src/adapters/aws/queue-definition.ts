// The analysis queue's settings in one place: `aws:bootstrap` creates the queues from them, and the Pulumi program will.
import { ValidationError } from '../../errors';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../ports/job-queue.port';

/** The worker Lambda's timeout when none is given: an analysis of a large journal takes minutes, not seconds. */
export const DEFAULT_LAMBDA_TIMEOUT_SECONDS = 300;
/** Lambda's own ceiling on a function timeout. */
export const MAX_LAMBDA_TIMEOUT_SECONDS = 900;
/**
 * AWS's guidance for an SQS event source: the visibility timeout is at least six times the function timeout, so a
 * batch that Lambda retries after a throttle or a timeout is not delivered to a second invocation meanwhile.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Long polling at SQS's maximum: fewer empty receives (each one billed) and no busy loop on an idle queue. */
export const RECEIVE_WAIT_SECONDS = 20;
/** Four days (SQS's default): a job not picked up in that time is stale anyway. */
export const QUEUE_RETENTION_SECONDS = 4 * 24 * 60 * 60;
/**
 * Fourteen days, SQS's maximum, and longer than the source queue's: retention counts from the original send, so a
 * dead letter must outlive it to be seen by a person at all.
 */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60;
export const DEAD_LETTER_SUFFIX = '-dlq';

// SQS names: 1–80 letters, digits, hyphens and underscores (".fifo" aside). The dead-letter suffix must still fit.
const QUEUE_NAME = /^[A-Za-z0-9_-]+$/;
const MAX_QUEUE_NAME_LENGTH = 80 - DEAD_LETTER_SUFFIX.length;

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

export interface QueueDefinition {
  name: string;
  deadLetterName: string;
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  deadLetterRetentionSeconds: number;
  receiveWaitSeconds: number;
}

/** SQS attributes as `CreateQueue`/`SetQueueAttributes` take them (strings); the keys bootstrap compares. */
export interface SqsQueueAttributes {
  VisibilityTimeout: string;
  MessageRetentionPeriod: string;
  ReceiveMessageWaitTimeSeconds: string;
  RedrivePolicy?: string;
}

/** The queue a URL names: its last path segment (`https://sqs.eu-west-1.amazonaws.com/123456789012/name` → `name`). */
export function queueNameFromUrl(url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch (error) {
    throw new ValidationError('QUEUE.INVALID_URL', 'The queue URL is not a URL.', { url }, error);
  }
  const name = pathname.split('/').filter(Boolean).at(-1);
  if (!name) throw new ValidationError('QUEUE.INVALID_URL', 'The queue URL does not end with a queue name.', { url });
  return decodeURIComponent(name);
}

export function deadLetterQueueName(queueName: string): string {
  return `${queueName}${DEAD_LETTER_SUFFIX}`;
}

/** The visibility timeout for a worker Lambda with this timeout (seconds). */
export function visibilityTimeoutFor(lambdaTimeoutSeconds: number = DEFAULT_LAMBDA_TIMEOUT_SECONDS): number {
  if (!Number.isInteger(lambdaTimeoutSeconds) || lambdaTimeoutSeconds < 1 || lambdaTimeoutSeconds > MAX_LAMBDA_TIMEOUT_SECONDS) {
    throw new ValidationError(
      'QUEUE.INVALID_LAMBDA_TIMEOUT',
      `The Lambda timeout must be a whole number of seconds from 1 to ${MAX_LAMBDA_TIMEOUT_SECONDS}.`,
      { lambdaTimeoutSeconds },
    );
  }
  return lambdaTimeoutSeconds * VISIBILITY_TIMEOUT_FACTOR;
}

export function redrivePolicy(deadLetterTargetArn: string, maxReceiveCount: number = DEFAULT_MAX_RECEIVE_COUNT): RedrivePolicy {
  assertMaxReceiveCount(maxReceiveCount);
  return { deadLetterTargetArn, maxReceiveCount };
}

// SQS accepts 1..1000; the worker reads the same number to know a job's last attempt.
function assertMaxReceiveCount(maxReceiveCount: number): void {
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw new ValidationError('QUEUE.INVALID_MAX_RECEIVE_COUNT', 'maxReceiveCount must be a whole number from 1 to 1000.', {
      maxReceiveCount,
    });
  }
}

/**
 * The analysis queue and its dead-letter queue for a queue name. Standard queues only: the worker is built for
 * at-least-once delivery, and a FIFO queue would need a FIFO dead-letter queue and message groups besides.
 */
export function queueDefinition(options: {
  queueName: string;
  maxReceiveCount?: number;
  lambdaTimeoutSeconds?: number;
}): QueueDefinition {
  const { queueName } = options;
  if (!QUEUE_NAME.test(queueName) || queueName.length > MAX_QUEUE_NAME_LENGTH) {
    throw new ValidationError(
      'QUEUE.INVALID_NAME',
      `A queue name is 1 to ${MAX_QUEUE_NAME_LENGTH} letters, digits, hyphens or underscores (standard queues only, so no ".fifo").`,
      { queueName },
    );
  }
  const maxReceiveCount = options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
  assertMaxReceiveCount(maxReceiveCount);
  return {
    name: queueName,
    deadLetterName: deadLetterQueueName(queueName),
    maxReceiveCount,
    visibilityTimeoutSeconds: visibilityTimeoutFor(options.lambdaTimeoutSeconds ?? DEFAULT_LAMBDA_TIMEOUT_SECONDS),
    retentionSeconds: QUEUE_RETENTION_SECONDS,
    deadLetterRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    receiveWaitSeconds: RECEIVE_WAIT_SECONDS,
  };
}

export function queueAttributes(definition: QueueDefinition, deadLetterArn: string): SqsQueueAttributes {
  return {
    VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(definition.retentionSeconds),
    ReceiveMessageWaitTimeSeconds: String(definition.receiveWaitSeconds),
    RedrivePolicy: JSON.stringify(redrivePolicy(deadLetterArn, definition.maxReceiveCount)),
  };
}

/** The dead-letter queue: no redrive of its own (a dead letter waits for a person or a redrive back). */
export function deadLetterQueueAttributes(definition: QueueDefinition): SqsQueueAttributes {
  return {
    VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(definition.deadLetterRetentionSeconds),
    ReceiveMessageWaitTimeSeconds: String(definition.receiveWaitSeconds),
  };
}
