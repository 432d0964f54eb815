// Local mode's stand-in for the SQS → Lambda trigger: polls the SQLite queue and hands each message to the worker core.
import type { QueueMessageHandler } from '../../ports/job-queue.port';
import type { Logger } from '../../ports/logger.port';
import { DEFAULT_VISIBILITY_TIMEOUT_MS, MAX_RECEIVE_BATCH, type ReceivedMessage, type SqliteJobQueue } from './sqlite-job-queue';


export interface LocalQueueWorkerOptions {
  queue: SqliteJobQueue;
  /** The worker core's message handler: the Lambda runs the same one behind its SQS mapping. */
  handler: QueueMessageHandler;
  /**
   * How long a received batch stays hidden (default 30 s, as SQS). A message still unfinished by then is delivered
   * again, so this must exceed the longest analysis, as the SQS visibility timeout must exceed the Lambda timeout.
   */
  visibilityTimeoutMs?: number;
  /** Wait between polls of an empty queue (default 1 s). */
  pollIntervalMs?: number;
  /** Messages per batch, 1..10 (default 1: one analysis at a time on a laptop). */
  batchSize?: number;
  logger?: Logger;
}

export interface RunOnceResult {
  received: number;
  succeeded: number;
  failed: number;
}

export class LocalQueueWorker {
  private readonly queue: SqliteJobQueue;
  private readonly handler: QueueMessageHandler;
  private readonly visibilityTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly logger: Logger | undefined;
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
    // Run in parallel and settle each on its own, as Lambda's partial batch responses do: one failure never
    // makes the others run again.
    const outcomes = await Promise.allSettled(
      // Through a promise chain, so that a handler throwing before it returns a promise fails its message only.
      messages.map((message) => Promise.resolve().then(() => this.handler({ messageId: message.messageId, body: message.body, receiveCount: message.receiveCount }))),
    );
    const failed: ReceivedMessage[] = [];
    for (const [i, message] of messages.entries()) {
      if (outcomes[i]!.status === 'rejected') {
        failed.push(message);
        continue;
      }
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
