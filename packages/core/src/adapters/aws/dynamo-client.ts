// The DynamoDB document client of AWS mode, and the few helpers every DynamoDB store shares.
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoClientOptions {
  region: string;
  /** A local stand-in (dynalite, moto, LocalStack); the composition passes AWS_ENDPOINT_URL here, unset means AWS. */
  endpoint?: string;
  /** Explicit keys (tests, stand-ins); unset means the SDK's default chain (the Lambda role, a profile…). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Options every DynamoDB store takes: a clock, so tests control timestamps and expiry. */
export interface DynamoStoreOptions {
  now?: () => number;
}

/** The low-level client (table management: bootstrap, readiness). */
export function createDynamoClient(options: DynamoClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}

/** The document client the stores use: plain JavaScript values in and out. */
export function createDocumentClient(options: DynamoClientOptions | DynamoDBClient): DynamoDBDocumentClient {
  const client = options instanceof DynamoDBClient ? options : createDynamoClient(options);
  // Optional fields of domain objects are often present as undefined; DynamoDB would refuse them rather than omit them.
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The readiness probe of every store: the table is there and serving. Reads only. */
export async function describeTable(doc: DynamoDBDocumentClient, tableName: string): Promise<void> {
  const { Table } = await doc.send(new DescribeTableCommand({ TableName: tableName }));
  const status = Table?.TableStatus;
  if (status !== 'ACTIVE' && status !== 'UPDATING') {
    throw new Error(`DynamoDB table ${tableName} is not ready (status ${status ?? 'unknown'}).`);
  }
}

/** A conditional write whose condition did not hold: each store turns it into its port's answer. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** The reason codes of a cancelled transaction, one per item in order ('None' for items that were fine). */
export function cancellationCodes(error: unknown): string[] | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

type ExpressionInput = {
  KeyConditionExpression?: string;
  ConditionExpression?: string;
  UpdateExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
};

/**
 * Adds `ExpressionAttributeNames` for every `#name` in the expressions. Every attribute is written as `#name`, so that
 * no reserved word (status, state, data…) breaks an expression, and the map can never list a name the expressions
 * do not use (which DynamoDB refuses).
 */
export function named<T extends ExpressionInput>(input: T): T & { ExpressionAttributeNames?: Record<string, string> } {
  const names: Record<string, string> = {};
  for (const expression of [input.KeyConditionExpression, input.ConditionExpression, input.UpdateExpression, input.FilterExpression, input.ProjectionExpression]) {
    for (const match of expression?.matchAll(/#(\w+)/g) ?? []) names[match[0]] = match[1]!;
  }
  return Object.keys(names).length === 0 ? input : { ...input, ExpressionAttributeNames: names };
}

/** Epoch seconds for the TTL attribute, rounded up so DynamoDB never sweeps an item before its own expiry. */
export const ttlSeconds = (epochMs: number): number => Math.ceil(epochMs / 1000);
