// SQS event → record handler, with partial batch responses: only the records that failed are delivered again.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsRecordHandler = (record: SQSRecord) => Promise<void>;
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Wraps a record handler as a Lambda handler for an SQS event source mapping with `ReportBatchItemFailures`. Records
 * run in parallel; a record whose handler throws is listed in `batchItemFailures` and comes back after the visibility
 * timeout, the others are deleted by Lambda.
 */
export function createSqsBatchHandler(recordHandler: SqsRecordHandler): SqsBatchHandler {
  return async (event, context) => {
    // A processor per invocation: it holds the batch's records and failures, and the local worker may overlap calls.
    const processor = new BatchProcessor(EventType.SQS);
    const response = await processPartialResponse(event, recordHandler, processor, {
      context,
      // All records failed: report each rather than throw, which SQS treats the same way but keeps the answer uniform.
      throwOnFullBatchFailure: false,
    });
    return { batchItemFailures: response.batchItemFailures.map((failure) => ({ itemIdentifier: failure.itemIdentifier })) };
  };
}
