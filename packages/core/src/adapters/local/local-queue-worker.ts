// Local mode's stand-in for the SQS → Lambda trigger: polls the SQLite queue and runs the Lambda's own batch handler.
import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DEFAULT_VISIBILITY_TIMEOUT_MS, MAX_RECEIVE_BATCH, type ReceivedMessage, type SqliteJobQueue } from './sqlite-job-queue';

export interface LocalQueueWorkerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LocalQueueWorkerOptions {
  queue: SqliteJobQueue;
  /** The handler the Lambda exports: the same code path runs here. */
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  /**
   * How long a received batch stays hidden (default 30 s, as SQS). A message still unfinished by then is delivered
   * again, so this must exceed the longest analysis, as the SQS visibility timeout must exceed the Lambda timeout.
   */
  visibilityTimeoutMs?: number;
  /** Wait between polls of an empty queue (default 1 s). */
  pollIntervalMs?: number;
  /** Messages per batch, 1..10 (default 1: one analysis at a time on a laptop). */
  batchSize?: number;
  logger?: LocalQueueWorkerLogger;
}

export interface RunOnceResult {
  received: number;
  succeeded: number;
  failed: number;
}

const QUEUE_ARN = 'arn:aws:sqs:local:000000000000:pecunia-analysis';
const REGION = 'local';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** The record Lambda would hand over for this message. */
export function toSqsRecord(message: ReceivedMessage, receivedAt: number): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(Date.parse(message.sentAt)),
      SenderId: 'pecunia-local',
      // The queue does not keep the first receive time; this receive's time is the closest it knows.
      ApproximateFirstReceiveTimestamp: String(receivedAt),
    },
    messageAttributes: {},
    md5OfBody: md5(message.body),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: REGION,
  };
}

/** A Lambda context for a local invocation that must finish by `deadline` (epoch ms). */
export function localLambdaContext(deadline: number): Context {
  const unsupported = (): never => {
    throw new Error('The callback API of the Lambda context is not supported; return a promise.');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'pecunia-analysis-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:pecunia-analysis-local',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/local/pecunia-analysis',
    logStreamName: 'local',
    // The visibility timeout plays the Lambda timeout's part: past it, the message is someone else's.
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export class LocalQueueWorker {
  private readonly queue: SqliteJobQueue;
  private readonly handler: LocalQueueWorkerOptions['handler'];
  private readonly visibilityTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly logger: LocalQueueWorkerLogger | undefined;
  private readonly inFlight = new Set<Promise<RunOnceResult>>();
  private running = false;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(options: LocalQueueWorkerOptions) {
    this.queue = options.queue;
    this.handler = options.handler;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS;
    this.pollIntervalMs = Math.max(0, options.pollIntervalMs ?? 1_000);
    this.batchSize = Math.min(MAX_RECEIVE_BATCH, Math.max(1, Math.trunc(options.batchSize ?? 1)));
    this.logger = options.logger;
  }

  /** Receives one batch and runs it through the handler; succeeded messages are deleted, failed ones reappear later. */
  runOnce(): Promise<RunOnceResult> {
    const batch = this.processBatch();
    this.inFlight.add(batch);
    const forget = () => this.inFlight.delete(batch);
    batch.then(forget, forget);
    return batch;
  }

  /** Polls until stop(): straight on while there is work, every pollIntervalMs when the queue is empty. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.poll();
  }

  /** Stops polling and resolves once the batch in flight (if any) has been handled. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await Promise.allSettled([...this.inFlight]);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      let received = 0;
      try {
        received = (await this.runOnce()).received;
      } catch (error) {
        // The queue itself failed (database locked or closed): keep the loop alive, try again after the interval.
        this.logger?.error('local queue poll failed', { error: error instanceof Error ? error.message : String(error) });
      }
      if (received === 0 && this.running) await this.sleep(this.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
      this.timer = setTimeout(() => {
        this.timer = null;
        this.wake?.();
      }, ms);
      // An idle poller must not keep the process alive on its own.
      this.timer.unref();
    });
  }

  private async processBatch(): Promise<RunOnceResult> {
    const messages = await this.queue.receive({ max: this.batchSize, visibilityTimeoutMs: this.visibilityTimeoutMs });
    if (messages.length === 0) return { received: 0, succeeded: 0, failed: 0 };
    const receivedAt = Date.now();
    const event: SQSEvent = { Records: messages.map((message) => toSqsRecord(message, receivedAt)) };

    let failedIds: Set<string>;
    try {
      const response = await this.handler(event, localLambdaContext(receivedAt + this.visibilityTimeoutMs));
      failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch (error) {
      // As with Lambda: a handler that throws fails the whole batch.
      this.logger?.error('batch handler threw; every message of the batch will be delivered again', {
        error: error instanceof Error ? error.message : String(error),
      });
      failedIds = new Set(messages.map((message) => message.messageId));
    }

    const failed = messages.filter((message) => failedIds.has(message.messageId));
    for (const message of messages) {
      if (failedIds.has(message.messageId)) continue;
      // False when the visibility timeout ran out and another receiver holds the message now: that receiver will
      // find the job completed and drop it.
      if (!(await this.queue.delete(message.receiptHandle))) {
        this.logger?.warn('message outlived its visibility timeout; another receiver has it', { message_id: message.messageId });
      }
    }
    if (failed.length > 0) {
      this.logger?.warn('messages failed and will be delivered again', { message_ids: failed.map((m) => m.messageId) });
    }
    return { received: messages.length, succeeded: messages.length - failed.length, failed: failed.length };
  }
}
