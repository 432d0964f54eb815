// What Lambda's SQS event source mapping does, for a host running its own worker: long-poll, invoke, delete successes.
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { ValidationError } from '../../errors';
import type { Logger } from '../../ports/logger.port';
import { RECEIVE_WAIT_SECONDS } from './queue-definition';
import type { SqsBatchHandler } from './sqs-batch-handler';

/** SQS's ceiling on one receive, and Lambda's default batch size. */
export const MAX_SQS_BATCH = 10;

export interface SqsPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The Lambda handler, exactly as deployed: it receives an SQS event and answers with its batch item failures. */
  handler: SqsBatchHandler;
  logger: Logger;
  /** Long-poll wait, 1..20 s (default 20). Never 0: an empty queue would turn the loop into a busy one. */
  waitTimeSeconds?: number;
  /** Messages per batch, 1..10 (default 10, as Lambda). */
  batchSize?: number;
  /** First pause after SQS failed (default 1 s); doubled on each failure in a row up to `maxErrorPauseMs` (30 s). */
  errorPauseMs?: number;
  maxErrorPauseMs?: number;
  /** The name the handler sees in its context (default `pecunia-sqs-worker`). */
  functionName?: string;
}

export interface PollResult {
  received: number;
  succeeded: number;
  failed: number;
}

interface QueueInfo {
  arn: string;
  region: string;
  visibilityTimeoutMs: number;
}

export class SqsPoller {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;
  private readonly handler: SqsBatchHandler;
  private readonly logger: Logger;
  private readonly waitTimeSeconds: number;
  private readonly batchSize: number;
  private readonly errorPauseMs: number;
  private readonly maxErrorPauseMs: number;
  private readonly functionName: string;
  private readonly inFlight = new Set<Promise<PollResult>>();
  private queueInfo: Promise<QueueInfo> | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private receiving: AbortController | null = null;
  private wake: (() => void) | null = null;

  constructor(options: SqsPollerOptions) {
    this.sqs = options.sqs;
    this.queueUrl = options.queueUrl;
    this.handler = options.handler;
    this.logger = options.logger;
    this.waitTimeSeconds = options.waitTimeSeconds ?? RECEIVE_WAIT_SECONDS;
    this.batchSize = options.batchSize ?? MAX_SQS_BATCH;
    this.errorPauseMs = options.errorPauseMs ?? 1_000;
    this.maxErrorPauseMs = options.maxErrorPauseMs ?? 30_000;
    this.functionName = options.functionName ?? 'pecunia-sqs-worker';
    if (!Number.isInteger(this.waitTimeSeconds) || this.waitTimeSeconds < 1 || this.waitTimeSeconds > RECEIVE_WAIT_SECONDS) {
      throw new ValidationError('QUEUE.INVALID_WAIT_TIME', `waitTimeSeconds must be a whole number from 1 to ${RECEIVE_WAIT_SECONDS}.`, {
        waitTimeSeconds: this.waitTimeSeconds,
      });
    }
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > MAX_SQS_BATCH) {
      throw new ValidationError('QUEUE.INVALID_MAX', `batchSize must be a whole number from 1 to ${MAX_SQS_BATCH}.`, {
        batchSize: this.batchSize,
      });
    }
  }

  /** One long poll and, if it brought messages, one invocation and the deletes. SQS errors are thrown to the caller. */
  runOnce(): Promise<PollResult> {
    return this.track(this.pollBatch());
  }

  /** Polls until stop(). Errors from SQS are logged and retried after a pause; they never end the loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.poll();
  }

  /** Aborts the pending long poll and resolves once the batch in flight (if any) was handled and deleted. */
  async stop(): Promise<void> {
    this.running = false;
    this.receiving?.abort();
    this.wake?.();
    await this.loop;
    this.loop = null;
    await Promise.allSettled([...this.inFlight]);
  }

  private async poll(): Promise<void> {
    let failuresInARow = 0;
    while (this.running) {
      const receiving = new AbortController();
      this.receiving = receiving;
      try {
        await this.track(this.pollBatch(receiving.signal));
        failuresInARow = 0;
      } catch (error) {
        if (!this.running) break; // stop() aborted the long poll
        failuresInARow += 1;
        const pauseMs = Math.min(this.maxErrorPauseMs, this.errorPauseMs * 2 ** (failuresInARow - 1));
        this.logger.error('polling the queue failed; trying again after a pause', {
          queue_url: this.queueUrl,
          error: errorText(error),
          failures_in_a_row: failuresInARow,
          retry_in_ms: pauseMs,
        });
        await this.pause(pauseMs);
      } finally {
        this.receiving = null;
      }
    }
  }

  private async pollBatch(signal?: AbortSignal): Promise<PollResult> {
    const queue = await this.describeQueue(signal);
    const { Messages: messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: this.batchSize,
        WaitTimeSeconds: this.waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      signal ? { abortSignal: signal } : {},
    );
    if (messages.length === 0) return { received: 0, succeeded: 0, failed: 0 };
    // The messages became invisible about now: that is the time the handler has before SQS delivers them again.
    const deadline = Date.now() + queue.visibilityTimeoutMs;
    const records = messages.map((message) => toSqsRecord(message, queue));

    const failed = await this.invoke(records, deadline);
    if (Date.now() > deadline) {
      this.logger.warn('the batch outlasted the visibility timeout; its messages may have been delivered again', {
        queue_url: this.queueUrl,
        visibility_timeout_ms: queue.visibilityTimeoutMs,
      });
    }
    // The failures are left alone, their visibility unchanged: they come back once the timeout runs out, as with Lambda.
    const succeeded = records.filter((record) => !failed.has(record.messageId));
    await this.deleteRecords(succeeded);
    return { received: records.length, succeeded: succeeded.length, failed: records.length - succeeded.length };
  }

  /** The handler's verdict as Lambda reads it: the ids to deliver again (all of them when it threw or answered nonsense). */
  private async invoke(records: SQSRecord[], deadline: number): Promise<Set<string>> {
    const everything = new Set(records.map((record) => record.messageId));
    const event: SQSEvent = { Records: records };
    let response: unknown;
    try {
      response = await this.handler(event, invocationContext(this.functionName, records[0]!, deadline));
    } catch (error) {
      this.logger.error('the batch handler threw; the whole batch will be delivered again', {
        queue_url: this.queueUrl,
        message_ids: [...everything],
        error: errorText(error),
      });
      return everything;
    }
    // Lambda's rules: no response or no list means success; an id that is not one of the batch fails it all.
    const failures = (response as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
    if (failures === undefined || failures === null) return new Set();
    const ids = Array.isArray(failures) ? failures.map((failure) => (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier) : null;
    if (!ids || !ids.every((id): id is string => typeof id === 'string' && everything.has(id))) {
      this.logger.error('the batch handler answered batchItemFailures Lambda would reject; the whole batch will be delivered again', {
        queue_url: this.queueUrl,
        batch_item_failures: failures,
      });
      return everything;
    }
    return new Set(ids);
  }

  /** Deletes what succeeded. A delete that fails is logged, not thrown: the message comes back and is handled again. */
  private async deleteRecords(records: SQSRecord[]): Promise<void> {
    if (records.length === 0) return;
    // Entry ids are positions: message ids need not fit the entry id alphabet on every SQS-compatible service.
    const entries = records.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle }));
    try {
      const { Failed: failed = [] } = await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
      for (const failure of failed) {
        this.logger.warn('a handled message could not be deleted; it will be delivered again', {
          queue_url: this.queueUrl,
          message_id: records[Number(failure.Id)]?.messageId,
          code: failure.Code,
          error: failure.Message,
        });
      }
    } catch (error) {
      this.logger.error('deleting handled messages failed; they will be delivered again', {
        queue_url: this.queueUrl,
        message_ids: records.map((record) => record.messageId),
        error: errorText(error),
      });
    }
  }

  /** The queue's ARN (for the records) and visibility timeout (for the context), read once: neither changes often. */
  private describeQueue(signal?: AbortSignal): Promise<QueueInfo> {
    this.queueInfo ??= this.sqs
      .send(
        new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['QueueArn', 'VisibilityTimeout'] }),
        signal ? { abortSignal: signal } : {},
      )
      .then(({ Attributes: attributes = {} }) => {
        const arn = attributes.QueueArn ?? '';
        return {
          arn,
          region: arn.split(':')[3] ?? '',
          visibilityTimeoutMs: Number(attributes.VisibilityTimeout ?? 30) * 1000,
        };
      });
    // Not cached when it failed: the next poll asks again.
    this.queueInfo.catch(() => (this.queueInfo = null));
    return this.queueInfo;
  }

  private track(batch: Promise<PollResult>): Promise<PollResult> {
    this.inFlight.add(batch);
    const forget = (): void => {
      this.inFlight.delete(batch);
    };
    batch.then(forget, forget);
    return batch;
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = null;
    });
  }
}

/** The record Lambda would build from a received message: every attribute SQS returned, the body's MD5, the ARN. */
function toSqsRecord(message: Message, queue: QueueInfo): SQSRecord {
  const body = message.Body ?? '';
  const attributes = message.Attributes ?? {};
  const now = String(Date.now());
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? now,
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? now,
    },
    messageAttributes: toMessageAttributes(message),
    md5OfBody: message.MD5OfBody ?? createHash('md5').update(body).digest('hex'),
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: queue.region,
  };
}

function toMessageAttributes(message: Message): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    result[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return result;
}

/** A Lambda context whose remaining time runs out when the batch's visibility timeout does. */
function invocationContext(functionName: string, first: SQSRecord, deadline: number): Context {
  const [, partition = 'aws', , region = '', account = ''] = first.eventSourceARN.split(':');
  const unsupported = (): never => {
    throw new Error('The callback API of the Lambda context is not supported; return a promise.');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:${partition}:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: String(Math.floor(os.totalmem() / 2 ** 20)),
    awsRequestId: randomUUID(),
    logGroupName: functionName,
    logStreamName: `${os.hostname()}/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
