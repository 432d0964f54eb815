// Subpath `@pecunia/core/aws`: the adapters that run inside AWS (Lambda event handling, later DynamoDB and SQS clients).
export { createSqsBatchHandler } from './adapters/aws/sqs-batch-handler';
export type { SqsBatchHandler, SqsRecordHandler } from './adapters/aws/sqs-batch-handler';
