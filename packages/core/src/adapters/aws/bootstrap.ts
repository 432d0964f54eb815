// `aws:bootstrap`: creates what the environment names (queue, dead-letter queue, table) or brings it in line; rerunnable.
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ConflictError, UpstreamError } from '../../errors';
import type { Logger } from '../../ports/logger.port';
import { continuousBackupsInput, createTableInput, timeToLiveInput, TTL_ATTRIBUTE } from './dynamo-table';
import {
  deadLetterQueueAttributes,
  queueAttributes,
  queueDefinition,
  queueNameFromUrl,
  type SqsQueueAttributes,
} from './queue-definition';

export interface BootstrapAwsOptions {
  sqs: SQSClient;
  dynamo: DynamoDBClient;
  /** `ANALYSIS_QUEUE_URL`: the queue is the one its last path segment names. */
  queueUrl: string;
  tableName: string;
  /** `ANALYSIS_MAX_RECEIVE_COUNT`: receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** The worker Lambda's timeout, from which the visibility timeout follows (default 300 s). */
  lambdaTimeoutSeconds?: number;
  logger?: Logger;
  /** How long to wait for a new table or index to become ACTIVE (default 10 min: a backfilled index takes a while). */
  tableWaitSeconds?: number;
  /** Pause between two looks at a table still being created (default 2 s). */
  pollIntervalMs?: number;
}

export type ResourceStatus = 'created' | 'updated' | 'unchanged';
/** `unsupported`: the endpoint (moto, dynalite) does not implement the call; real AWS always does. */
export type FeatureStatus = 'enabled' | 'already-enabled' | 'unsupported';

export interface QueueReport {
  name: string;
  url: string;
  arn: string;
  status: ResourceStatus;
  /** The attributes set to the definition's values on an existing queue. */
  changed: string[];
}

export interface TableReport {
  name: string;
  arn: string;
  status: ResourceStatus;
  /** Indexes of the definition the existing table lacked, now added. */
  addedIndexes: string[];
  timeToLive: FeatureStatus;
  pointInTimeRecovery: FeatureStatus;
}

export interface BootstrapAwsReport {
  queue: QueueReport;
  deadLetterQueue: QueueReport;
  table: TableReport;
  /** Anything an operator should read: unsupported features, a queue URL that differs from the one configured. */
  notes: string[];
}

export async function bootstrapAws(options: BootstrapAwsOptions): Promise<BootstrapAwsReport> {
  const { sqs, dynamo, logger } = options;
  const notes: string[] = [];
  const note = (message: string, fields?: Record<string, unknown>): void => {
    notes.push(message);
    logger?.warn(message, fields);
  };
  // Every setting is checked before the first call: a bad name or count changes nothing.
  const definition = queueDefinition({
    queueName: queueNameFromUrl(options.queueUrl),
    maxReceiveCount: options.maxReceiveCount,
    ...(options.lambdaTimeoutSeconds !== undefined ? { lambdaTimeoutSeconds: options.lambdaTimeoutSeconds } : {}),
  });

  const deadLetterQueue = await ensureQueue(sqs, definition.deadLetterName, deadLetterQueueAttributes(definition));
  const queue = await ensureQueue(sqs, definition.name, queueAttributes(definition, deadLetterQueue.arn));
  for (const report of [deadLetterQueue, queue]) logger?.info(`queue ${report.status}`, { ...report });
  if (new URL(queue.url).pathname !== new URL(options.queueUrl).pathname) {
    // Same name, other account (or a typo in it): the API would send to a queue no worker reads.
    note(`The queue is at ${queue.url}, not at the configured ${options.queueUrl}: check the account in ANALYSIS_QUEUE_URL.`);
  }

  const table = await ensureTable(dynamo, options.tableName, {
    deadline: Date.now() + (options.tableWaitSeconds ?? 600) * 1000,
    pollIntervalMs: options.pollIntervalMs ?? 2_000,
    note,
  });
  logger?.info(`table ${table.status}`, { ...table });
  return { queue, deadLetterQueue, table, notes };
}

async function ensureQueue(sqs: SQSClient, name: string, wanted: SqsQueueAttributes): Promise<QueueReport> {
  let url = await queueUrlOf(sqs, name);
  if (!url) {
    try {
      url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { ...wanted } }))).QueueUrl;
      if (!url) throw new UpstreamError('AWS.BOOTSTRAP_FAILED', `SQS created ${name} but gave no URL.`);
      return { name, url, arn: await queueArn(sqs, url), status: 'created', changed: [] };
    } catch (error) {
      // Created meanwhile by someone else, with other attributes: bring it in line below like any existing queue.
      if (!(error instanceof Error && error.name === 'QueueNameExists')) throw error;
      url = await queueUrlOf(sqs, name);
      if (!url) throw error;
    }
  }
  const { Attributes: current = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  const changed = (Object.keys(wanted) as (keyof SqsQueueAttributes)[]).filter(
    (key) => !sameAttribute(key, current[key], wanted[key]),
  );
  if (changed.length > 0) {
    const update = Object.fromEntries(changed.map((key) => [key, wanted[key]!]));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: update }));
  }
  return { name, url, arn: current.QueueArn ?? (await queueArn(sqs, url)), status: changed.length ? 'updated' : 'unchanged', changed };
}

async function queueUrlOf(sqs: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (error instanceof Error && (error.name === 'QueueDoesNotExist' || error.name === 'AWS.SimpleQueueService.NonExistentQueue')) {
      return undefined;
    }
    throw error;
  }
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  if (!Attributes?.QueueArn) throw new UpstreamError('AWS.BOOTSTRAP_FAILED', `SQS gave no ARN for ${url}.`);
  return Attributes.QueueArn;
}

/** The redrive policy is JSON, and SQS may write its count as a string: compare what it means, not how it is spelt. */
function sameAttribute(key: keyof SqsQueueAttributes, current: string | undefined, wanted: string | undefined): boolean {
  if (key !== 'RedrivePolicy' || current === undefined || wanted === undefined) return current === wanted;
  try {
    const [a, b] = [JSON.parse(current), JSON.parse(wanted)] as { deadLetterTargetArn?: string; maxReceiveCount?: unknown }[];
    return a?.deadLetterTargetArn === b?.deadLetterTargetArn && Number(a?.maxReceiveCount) === Number(b?.maxReceiveCount);
  } catch {
    return false;
  }
}

interface TableContext {
  deadline: number;
  pollIntervalMs: number;
  note: (message: string, fields?: Record<string, unknown>) => void;
}

async function ensureTable(dynamo: DynamoDBClient, tableName: string, context: TableContext): Promise<TableReport> {
  const input = createTableInput(tableName);
  let status: ResourceStatus = 'unchanged';
  const addedIndexes: string[] = [];
  let table = await describeTable(dynamo, tableName);
  if (!table) {
    try {
      await dynamo.send(new CreateTableCommand(input));
      status = 'created';
    } catch (error) {
      // Created meanwhile by a second bootstrap: treat it as found.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
    table = await waitUntilActive(dynamo, tableName, context);
  } else {
    const keys = (schema: { AttributeName?: string; KeyType?: string }[] = []) => schema.map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
    if (keys(table.KeySchema) !== keys(input.KeySchema)) {
      // Keys cannot change in place; a silent go-ahead would leave every store failing on its first write.
      throw new ConflictError('AWS.TABLE_MISMATCH', `Table ${tableName} exists with other keys than the definition; use another table name.`, {
        found: keys(table.KeySchema),
        wanted: keys(input.KeySchema),
      });
    }
    const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    // DynamoDB adds one index per UpdateTable, and only once the previous one is ACTIVE.
    for (const index of input.GlobalSecondaryIndexes ?? []) {
      if (present.has(index.IndexName)) continue;
      const used = new Set(index.KeySchema?.map((k) => k.AttributeName));
      await dynamo.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: input.AttributeDefinitions?.filter((a) => used.has(a.AttributeName)),
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
      addedIndexes.push(index.IndexName!);
      status = 'updated';
      table = await waitUntilActive(dynamo, tableName, context);
    }
  }
  return {
    name: tableName,
    arn: table.TableArn ?? '',
    status,
    addedIndexes,
    timeToLive: await ensureTimeToLive(dynamo, tableName, context),
    pointInTimeRecovery: await ensurePointInTimeRecovery(dynamo, tableName, context),
  };
}

async function describeTable(dynamo: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** The table and every index ACTIVE: TTL, backups and the next index all wait for it. */
async function waitUntilActive(dynamo: DynamoDBClient, tableName: string, context: TableContext): Promise<TableDescription> {
  for (;;) {
    const table = await describeTable(dynamo, tableName);
    const active = table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (table && active) return table;
    if (Date.now() > context.deadline) {
      throw new UpstreamError('AWS.BOOTSTRAP_TIMEOUT', `Table ${tableName} did not become ACTIVE in time (${table?.TableStatus ?? 'missing'}).`);
    }
    await new Promise((resolve) => setTimeout(resolve, context.pollIntervalMs));
  }
}

async function ensureTimeToLive(dynamo: DynamoDBClient, tableName: string, context: TableContext): Promise<FeatureStatus> {
  return tolerateUnsupported('TTL', tableName, context, async () => {
    const { TimeToLiveDescription: ttl } = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    const on = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
    if (on && ttl?.AttributeName === TTL_ATTRIBUTE) return 'already-enabled';
    if (on) {
      // One TTL attribute per table, and switching takes an hour of DISABLING: a person must decide.
      throw new ConflictError('AWS.TABLE_TTL_MISMATCH', `Table ${tableName} expires items on ${ttl?.AttributeName}, not ${TTL_ATTRIBUTE}.`);
    }
    await dynamo.send(new UpdateTimeToLiveCommand(timeToLiveInput(tableName)));
    return 'enabled';
  });
}

async function ensurePointInTimeRecovery(dynamo: DynamoDBClient, tableName: string, context: TableContext): Promise<FeatureStatus> {
  return tolerateUnsupported('point-in-time recovery', tableName, context, async () => {
    const { ContinuousBackupsDescription: backups } = await dynamo.send(new DescribeContinuousBackupsCommand({ TableName: tableName }));
    if (backups?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED') return 'already-enabled';
    for (;;) {
      try {
        await dynamo.send(new UpdateContinuousBackupsCommand(continuousBackupsInput(tableName)));
        return 'enabled';
      } catch (error) {
        // A table a few seconds old answers this until its backups are set up; AWS says to retry.
        if (!(error instanceof Error && error.name === 'ContinuousBackupsUnavailableException') || Date.now() > context.deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, context.pollIntervalMs));
      }
    }
  });
}

async function tolerateUnsupported(
  feature: string,
  tableName: string,
  context: TableContext,
  enable: () => Promise<FeatureStatus>,
): Promise<FeatureStatus> {
  try {
    return await enable();
  } catch (error) {
    if (!isUnsupported(error)) throw error;
    context.note(`This DynamoDB endpoint does not support ${feature}; table ${tableName} goes without it (real AWS has it).`, {
      error: error instanceof Error ? error.message || error.name : String(error),
    });
    return 'unsupported';
  }
}

/** How emulators say "not implemented": dynalite's UnknownOperationException, a 501, or words to that effect. */
function isUnsupported(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    ['UnknownOperationException', 'NotImplementedException', 'NotImplemented', 'UnsupportedOperationException'].includes(error.name) ||
    status === 501 ||
    /not (yet )?(been )?implemented/i.test(error.message)
  );
}
