// Local mode's stand-in for the SQS → Lambda trigger: polls the SQLite queue and hands each message to the worker core.
import { PecuniaError } from '../../errors';
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

export interface StopOptions {
  /**
   * How long to wait for the messages in hand (default: as long as they take). Those still unfinished then are given
   * back — visible again at once, their handlers' signals aborted — and stop() resolves without them.
   */
  graceMs?: number;
}

export interface StopResult {
  /** Messages given back unfinished because the grace period ran out. */
  released: number;
}

/** A message being handled now, and how to tell its handler that it is no longer its own. */
interface InHand {
  receiptHandle: string;
  abort: AbortController;
}

export class LocalQueueWorker {
  private readonly queue: SqliteJobQueue;
  private readonly handler: QueueMessageHandler;
  private readonly visibilityTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly logger: Logger | undefined;
  private readonly inFlight = new Set<Promise<RunOnceResult>>();
  private readonly inHand = new Set<InHand>();
  private running = false;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  /** A message was queued since the last receive began: the next sleep is skipped, so no wake-up falls between the two. */
  private woken = false;
  private unsubscribe: (() => void) | null = null;

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

  /**
   * Polls until stop(): straight on while there is work, every pollIntervalMs when the queue is empty — or at once
   * when a message is queued in this process (the poll interval is then only for messages other processes queue).
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.queue.onSent(() => {
      this.woken = true;
      this.wake?.();
    });
    this.loop = this.poll();
  }

  /**
   * Stops polling and resolves once the batch in flight (if any) has been handled, or, with `graceMs`, once that time
   * is up: what is still unfinished then is released to the queue (visible at once, receive count kept), so its job —
   * still `running` in the job store — is delivered whole to the next worker. Nothing is written for it afterwards.
   */
  async stop(options: StopOptions = {}): Promise<StopResult> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
    const settled = (async () => {
      await this.loop;
      await Promise.allSettled([...this.inFlight]);
    })();
    if (options.graceMs === undefined) {
      await settled;
      this.loop = null;
      return { released: 0 };
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), Math.max(0, options.graceMs ?? 0));
    });
    const timedOut = await Promise.race([settled.then(() => false), expired]);
    clearTimeout(timer);
    if (!timedOut) {
      this.loop = null;
      return { released: 0 };
    }
    let released = 0;
    for (const held of [...this.inHand]) {
      held.abort.abort(new PecuniaError('WORKER.STOPPING', 'The worker stopped before this message was done; it was given back to the queue.', { status: 503 }));
      this.inHand.delete(held);
      try {
        if (await this.queue.changeVisibility(held.receiptHandle, 0)) released++;
      } catch (error) {
        // Then it reappears when its visibility timeout runs out (or at this host's next start, which releases it).
        this.logger?.error('could not release an unfinished message', { error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (released > 0) this.logger?.warn('stopped with messages unfinished; released them to the queue', { released });
    return { released };
  }

  private async poll(): Promise<void> {
    while (this.running) {
      let received = 0;
      this.woken = false;
      try {
        received = (await this.runOnce()).received;
      } catch (error) {
        // The queue itself failed (database locked or closed): keep the loop alive, try again after the interval.
        this.logger?.error('local queue poll failed', { error: error instanceof Error ? error.message : String(error) });
      }
      if (received === 0 && this.running && !this.woken) await this.sleep(this.pollIntervalMs);
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
    const held = messages.map((message): InHand => ({ receiptHandle: message.receiptHandle, abort: new AbortController() }));
    for (const h of held) this.inHand.add(h);
    const outcomes = await Promise.allSettled(
      // Through a promise chain, so that a handler throwing before it returns a promise fails its message only.
      messages.map((message, i) =>
        Promise.resolve().then(() =>
          this.handler({ messageId: message.messageId, body: message.body, receiveCount: message.receiveCount, signal: held[i]!.abort.signal }),
        ),
      ),
    );
    // Those stop() gave back are the queue's again (and this process may be closing its database): left alone.
    const released = held.map((h) => !this.inHand.delete(h));
    const failed: ReceivedMessage[] = [];
    for (const [i, message] of messages.entries()) {
      if (released[i]) {
        failed.push(message);
        continue;
      }
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
