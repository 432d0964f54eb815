import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LogFields, Logger } from '../../ports/logger.port';
import { describeWithMoto } from '../../testing/aws/moto';
import { startDynalite, type DynamoStandIn } from '../../testing/aws/dynalite';
import { bootstrapAws, type BootstrapAwsOptions } from './bootstrap';
import { createTableInput, ENABLED_SCHEDULES_INDEX, OWNER_INDEX, TTL_ATTRIBUTE } from './dynamo-table';
import { DEAD_LETTER_RETENTION_SECONDS, QUEUE_RETENTION_SECONDS, RECEIVE_WAIT_SECONDS, visibilityTimeoutFor } from './queue-definition';
import { createSqsClient } from './sqs-client';

const ACCOUNT = '123456789012'; // moto's default account
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const ignore = (_message: string, _fields?: LogFields) => undefined;
  return { warnings, info: ignore, error: ignore, warn: (message) => void warnings.push(message) };
}

describeWithMoto('bootstrapAws (moto)', (moto) => {
  let sqs: SQSClient;
  let dynamo: DynamoDBClient;
  const options = (overrides: Partial<BootstrapAwsOptions> = {}): BootstrapAwsOptions => ({
    sqs,
    dynamo,
    queueUrl: `${moto().endpoint}/${ACCOUNT}/${unique('analysis')}`,
    tableName: unique('pecunia'),
    maxReceiveCount: 4,
    pollIntervalMs: 50,
    ...overrides,
  });
  const attributesOf = async (queueName: string) => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
  };

  beforeAll(() => {
    sqs = createSqsClient(moto());
    dynamo = new DynamoDBClient({ region: moto().region, endpoint: moto().endpoint, credentials: moto().credentials });
  });
  afterAll(() => {
    sqs?.destroy();
    dynamo?.destroy();
  });

  it('creates the queue named by the URL, its dead-letter queue with the redrive policy, and the table with TTL and PITR', async () => {
    const input = options({ lambdaTimeoutSeconds: 120 });
    const name = input.queueUrl.split('/').at(-1)!;

    const report = await bootstrapAws(input);

    expect(report.deadLetterQueue).toMatchObject({ name: `${name}-dlq`, status: 'created', arn: expect.stringContaining(`${name}-dlq`) });
    expect(report.queue).toMatchObject({ name, url: input.queueUrl, status: 'created' });
    expect(report.table).toMatchObject({ name: input.tableName, status: 'created', timeToLive: 'enabled', pointInTimeRecovery: 'enabled' });
    expect(report.notes).toEqual([]);
    const queue = await attributesOf(name);
    expect(JSON.parse(queue['RedrivePolicy']!)).toEqual({ deadLetterTargetArn: report.deadLetterQueue.arn, maxReceiveCount: 4 });
    expect(queue).toMatchObject({
      VisibilityTimeout: String(visibilityTimeoutFor(120)),
      MessageRetentionPeriod: String(QUEUE_RETENTION_SECONDS),
      ReceiveMessageWaitTimeSeconds: String(RECEIVE_WAIT_SECONDS),
    });
    expect((await attributesOf(`${name}-dlq`))['MessageRetentionPeriod']).toBe(String(DEAD_LETTER_RETENTION_SECONDS));
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: input.tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([OWNER_INDEX, ENABLED_SCHEDULES_INDEX].sort());
    const { TimeToLiveDescription } = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: input.tableName }));
    expect(TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: TTL_ATTRIBUTE });
    const { ContinuousBackupsDescription } = await dynamo.send(new DescribeContinuousBackupsCommand({ TableName: input.tableName }));
    expect(ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('ENABLED');
  });

  it('changes nothing when run a second time', async () => {
    const input = options();
    const first = await bootstrapAws(input);

    const second = await bootstrapAws(input);

    expect(second.queue).toEqual({ ...first.queue, status: 'unchanged' });
    expect(second.deadLetterQueue).toEqual({ ...first.deadLetterQueue, status: 'unchanged' });
    expect(second.table).toEqual({ ...first.table, status: 'unchanged', timeToLive: 'already-enabled', pointInTimeRecovery: 'already-enabled' });
  });

  it('brings a queue that drifted back to the definition, and a new receive count into the redrive policy', async () => {
    const input = options();
    const name = input.queueUrl.split('/').at(-1)!;
    const first = await bootstrapAws(input);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: first.queue.url, Attributes: { VisibilityTimeout: '30' } }));

    const again = await bootstrapAws({ ...input, maxReceiveCount: 7 });

    expect(again.queue).toMatchObject({ status: 'updated', changed: ['VisibilityTimeout', 'RedrivePolicy'] });
    expect(again.deadLetterQueue.status).toBe('unchanged');
    const queue = await attributesOf(name);
    expect(queue['VisibilityTimeout']).toBe(String(visibilityTimeoutFor()));
    expect(JSON.parse(queue['RedrivePolicy']!)).toMatchObject({ maxReceiveCount: 7 });
  });

  it('adds the indexes an existing table lacks, and refuses a table with other keys', async () => {
    const input = options();
    const { GlobalSecondaryIndexes: _indexes, ...bare } = createTableInput(input.tableName);
    await dynamo.send(new CreateTableCommand({ ...bare, AttributeDefinitions: bare.AttributeDefinitions?.filter((a) => a.AttributeName!.length === 2) }));
    const otherKeys = unique('foreign');
    await dynamo.send(
      new CreateTableCommand({
        TableName: otherKeys,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    const report = await bootstrapAws(input);

    expect(report.table).toMatchObject({ status: 'updated', addedIndexes: [OWNER_INDEX, ENABLED_SCHEDULES_INDEX] });
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: input.tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([OWNER_INDEX, ENABLED_SCHEDULES_INDEX].sort());
    await expect(bootstrapAws({ ...input, tableName: otherKeys })).rejects.toMatchObject({ code: 'AWS.TABLE_MISMATCH' });
  });

  it('notes a queue found under another account than the configured URL says', async () => {
    const name = unique('analysis');

    const report = await bootstrapAws(options({ queueUrl: `https://sqs.us-east-1.amazonaws.com/999999999999/${name}` }));

    expect(report.queue).toMatchObject({ name, status: 'created' });
    expect(report.notes).toEqual([expect.stringContaining('check the account in ANALYSIS_QUEUE_URL')]);
  });

  it('checks its settings before changing anything', async () => {
    const input = options({ maxReceiveCount: 0 });

    await expect(bootstrapAws(input)).rejects.toMatchObject({ code: 'QUEUE.INVALID_MAX_RECEIVE_COUNT' });
    await expect(bootstrapAws(options({ queueUrl: 'not a url' }))).rejects.toMatchObject({ code: 'QUEUE.INVALID_URL' });
    await expect(bootstrapAws(options({ lambdaTimeoutSeconds: 901 }))).rejects.toMatchObject({ code: 'QUEUE.INVALID_LAMBDA_TIMEOUT' });

    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: input.queueUrl.split('/').at(-1)! }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
  });

  describe('with a DynamoDB endpoint lacking TTL and PITR (dynalite)', () => {
    let dynalite: DynamoStandIn;
    let limited: DynamoDBClient;
    beforeAll(async () => {
      dynalite = await startDynalite();
      limited = new DynamoDBClient({ region: dynalite.region, endpoint: dynalite.endpoint, credentials: dynalite.credentials });
    });
    afterAll(async () => {
      limited?.destroy();
      await dynalite?.close();
    });

    it('creates the table anyway and says what it went without', async () => {
      const logger = recordingLogger();
      const input = options({ dynamo: limited, logger });

      const report = await bootstrapAws(input);

      expect(report.table).toMatchObject({ status: 'created', timeToLive: 'unsupported', pointInTimeRecovery: 'unsupported' });
      expect(report.notes).toEqual([expect.stringContaining('does not support TTL'), expect.stringContaining('does not support point-in-time recovery')]);
      expect(logger.warnings).toEqual(report.notes);
      expect((await bootstrapAws(input)).table.status).toBe('unchanged');
    });
  });
});
