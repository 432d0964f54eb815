// SQS event → queue message handler, with partial batch responses: only the records that failed are delivered again.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueMessage, QueueMessageHandler } from '../../ports/job-queue.port';

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** The core's view of an SQS record: the vendor shape stops here. */
export function fromSqsRecord(record: SQSRecord): QueueMessage {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return { messageId: record.messageId, body: record.body, receiveCount: Number.isFinite(count) && count > 0 ? count : 1 };
}

/**
 * Wraps a message handler as a Lambda handler for an SQS event source mapping with `ReportBatchItemFailures`. Records
 * run in parallel; a record whose handler throws is listed in `batchItemFailures` and comes back after the visibility
 * timeout, the others are deleted by Lambda.
 */
export function createSqsBatchHandler(handler: QueueMessageHandler): SqsBatchHandler {
  const recordHandler = (record: SQSRecord): Promise<void> => handler(fromSqsRecord(record));
  return async (event, context) => {
    // A processor per invocation: it holds the batch's records and failures, and invocations may overlap.
    const processor = new BatchProcessor(EventType.SQS);
    const response = await processPartialResponse(event, recordHandler, processor, {
      context,
      // All records failed: report each rather than throw, which SQS treats the same way but keeps the answer uniform.
      throwOnFullBatchFailure: false,
    });
    return { batchItemFailures: response.batchItemFailures.map((failure) => ({ itemIdentifier: failure.itemIdentifier })) };
  };
}
