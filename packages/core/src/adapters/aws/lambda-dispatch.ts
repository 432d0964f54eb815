// One Lambda, two triggers: an SQS batch of analysis jobs, or the weekly schedule's event — told apart by shape.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueMessageHandler } from '../../ports/job-queue.port';
import { DEAD_LETTER_SUFFIX } from './queue-definition';
import { createSqsBatchHandler } from './sqs-batch-handler';

/** What the EventBridge rule's target sends (its constant input). */
export const PROACTIVE_ACTION = 'run_proactive_analysis';
/** Asks the Lambda to re-send the messages of queued jobs a crash left without one (a schedule, or an operator). */
export const RECONCILE_ACTION = 'reconcile_jobs';

export interface LambdaWorker {
  /** The worker core: one queue message. */
  onMessage: QueueMessageHandler;
  /** A message the queue gave up on (a batch from the dead-letter queue): its job is failed, not left running. */
  onDeadLetter: QueueMessageHandler;
  /** The weekly run: queues one job per enabled schedule; resolves with what it did. */
  onSchedule: () => Promise<unknown>;
  /** The jobs reconciliation (`reconcileJobs`); resolves with what it did. */
  onReconcile?: () => Promise<unknown>;
}

export type LambdaResult = SQSBatchResponse | { action: typeof PROACTIVE_ACTION | typeof RECONCILE_ACTION; result: unknown };
export type LambdaEntry = (event: unknown, context: Context) => Promise<LambdaResult>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function isSqsEvent(event: unknown): event is SQSEvent {
  return isObject(event) && Array.isArray(event.Records) && event.Records.every((r) => isObject(r) && r.eventSource === 'aws:sqs');
}

/**
 * The schedule's event: `{"action": "run_proactive_analysis"}` as the rule's target sends it, or EventBridge's own
 * scheduled-event envelope (a rule without a constant input), carrying the action in `detail` or nothing at all.
 */
export function isProactiveEvent(event: unknown): boolean {
  if (!isObject(event)) return false;
  if (event.action === PROACTIVE_ACTION) return true;
  const envelope = event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event';
  return envelope && (!isObject(event.detail) || event.detail.action === undefined || event.detail.action === PROACTIVE_ACTION);
}

/** Records from the dead-letter queue (a mapping on it delivers them here too), told by the source queue's name. */
export function isDeadLetterBatch(event: SQSEvent): boolean {
  return event.Records.length > 0 && event.Records.every((record) => record.eventSourceARN.endsWith(DEAD_LETTER_SUFFIX));
}

/** The handler the Lambda exports: SQS batches get partial batch responses; the schedule's event runs the week. */
export function createLambdaEntry(worker: LambdaWorker): LambdaEntry {
  const batch = createSqsBatchHandler(worker.onMessage);
  const deadLetters = createSqsBatchHandler(worker.onDeadLetter);
  return async (event, context) => {
    if (isSqsEvent(event)) return (isDeadLetterBatch(event) ? deadLetters : batch)(event, context);
    if (isProactiveEvent(event)) return { action: PROACTIVE_ACTION, result: await worker.onSchedule() };
    if (isObject(event) && event.action === RECONCILE_ACTION && worker.onReconcile) {
      return { action: RECONCILE_ACTION, result: await worker.onReconcile() };
    }
    // Thrown, not swallowed: a misrouted trigger shows up as a failed invocation in the Lambda's metrics.
    throw new Error('Unrecognised event: expected an SQS batch, {"action": "run_proactive_analysis"} or {"action": "reconcile_jobs"}');
  };
}
