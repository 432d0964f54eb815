// Subpath `@pecunia/core/aws`: the adapters that speak AWS shapes (Lambda's SQS events; DynamoDB and SQS clients next).
export { createSqsBatchHandler, fromSqsRecord } from './adapters/aws/sqs-batch-handler';
export type { SqsBatchHandler } from './adapters/aws/sqs-batch-handler';
