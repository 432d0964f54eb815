// The one DynamoDB table, mapped from core's CreateTable definition so the stores, aws:bootstrap and Pulumi agree.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { continuousBackupsInput, createTableInput, TABLE_PROTECTION, timeToLiveInput } from '@pecunia/core/aws';

export interface DataTableOptions {
  tableName: string;
  /** Core's TABLE_PROTECTION by default: `pulumi destroy` must not take the journal's users and reports with it. */
  deletionProtection?: boolean;
}

type CreateTable = ReturnType<typeof createTableInput>;
type KeyElement = NonNullable<CreateTable['KeySchema']>[number];

// The CreateTable fields this mapping carries. A field core adds later (a stream, an LSI) fails the program rather
// than being dropped without a word.
const MAPPED_FIELDS = new Set(['TableName', 'AttributeDefinitions', 'KeySchema', 'GlobalSecondaryIndexes', 'BillingMode', 'SSESpecification']);

function keyName(schema: KeyElement[] | undefined, type: 'HASH' | 'RANGE'): string | undefined {
  return schema?.find((element) => element.KeyType === type)?.AttributeName;
}

/** aws.dynamodb.Table arguments for core's table: keys, GSIs and their projections, billing, encryption, TTL, PITR. */
export function tableArgs(tableName: string, deletionProtection: boolean): aws.dynamodb.TableArgs {
  const input = createTableInput(tableName);
  const unmapped = Object.entries(input).filter(([field, value]) => value !== undefined && !MAPPED_FIELDS.has(field));
  if (unmapped.length > 0) {
    throw new Error(`createTableInput has fields the Pulumi table does not map: ${unmapped.map(([field]) => field).join(', ')}`);
  }
  const ttl = timeToLiveInput(tableName).TimeToLiveSpecification;
  const backups = continuousBackupsInput(tableName).PointInTimeRecoverySpecification;
  return {
    name: input.TableName,
    billingMode: input.BillingMode,
    hashKey: keyName(input.KeySchema, 'HASH'),
    rangeKey: keyName(input.KeySchema, 'RANGE'),
    attributes: (input.AttributeDefinitions ?? []).map((attribute) => ({ name: attribute.AttributeName!, type: attribute.AttributeType! })),
    globalSecondaryIndexes: (input.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName!,
      keySchemas: (index.KeySchema ?? []).map((element) => ({ attributeName: element.AttributeName!, keyType: element.KeyType! })),
      projectionType: index.Projection?.ProjectionType ?? 'ALL',
      ...(index.Projection?.NonKeyAttributes ? { nonKeyAttributes: index.Projection.NonKeyAttributes } : {}),
    })),
    // SSEType KMS without a key ARN is the AWS-managed `aws/dynamodb` key, which is what `enabled` alone selects here.
    serverSideEncryption: { enabled: input.SSESpecification?.Enabled ?? false },
    pointInTimeRecovery: { enabled: backups?.PointInTimeRecoveryEnabled ?? false },
    ttl: { attributeName: ttl?.AttributeName ?? '', enabled: ttl?.Enabled ?? false },
    deletionProtectionEnabled: deletionProtection,
  };
}

export class DataTable extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** The GSIs, for roles that query them (each index has its own ARN). */
  readonly indexNames: readonly string[];

  constructor(name: string, options: DataTableOptions, opts?: pulumi.ComponentResourceOptions) {
    super('pecunia:index:DataTable', name, {}, opts);
    const args = tableArgs(options.tableName, options.deletionProtection ?? TABLE_PROTECTION.deletionProtection);
    this.indexNames = (createTableInput(options.tableName).GlobalSecondaryIndexes ?? []).map((index) => index.IndexName!);
    this.table = new aws.dynamodb.Table(name, args, { parent: this });
    this.name = this.table.name;
    this.arn = this.table.arn;
    this.registerOutputs({ tableName: this.name, tableArn: this.arn });
  }
}
