// Schedule store of AWS mode: each user's weekly schedule in DynamoDB, the enabled ones listed by a sparse index.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../errors';
import { weeklyScheduleSchema, type WeeklySchedule } from '../../domain/schedule';
import type { ScheduleStore } from '../../ports/schedule-store.port';
import { describeTable, named, type DynamoStoreOptions } from './dynamo-client';
import { ENABLED_SCHEDULES_INDEX, itemKeys } from './dynamo-table';

export interface DynamoScheduleStoreOptions extends DynamoStoreOptions {
  /** Schedules per query page of `enabled()` (DynamoDB caps a page at 1 MB besides). */
  pageSize?: number;
}

export class DynamoScheduleStore implements ScheduleStore {
  readonly name = 'dynamodb';

  private readonly pageSize: number | undefined;

  /** No clock is used: a schedule carries its own created_at and updated_at, set by the service. */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoScheduleStoreOptions = {},
  ) {
    this.pageSize = options.pageSize;
  }

  async put(schedule: WeeklySchedule): Promise<void> {
    const parsed = weeklyScheduleSchema.safeParse(schedule);
    if (!parsed.success || schedule.user_id.length === 0) {
      // The user id is the item's key: an empty one would be one schedule shared by nobody.
      const field = parsed.success ? 'user_id' : String(parsed.error.issues[0]?.path[0] ?? 'schedule');
      throw new ValidationError('SCHEDULE.INVALID', `The schedule field ${field} is missing or invalid.`, { field });
    }
    const { user_id, sheet_id, sheet_range, prompt, timezone, enabled, created_at, updated_at } = schedule;
    // A whole-item put: disabling drops the gsi2 keys with everything else, so the sparse index holds enabled ones only.
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...itemKeys.weeklySchedule(user_id),
          user_id,
          sheet_id,
          sheet_range,
          prompt,
          timezone,
          enabled,
          created_at,
          updated_at,
          ...(enabled ? { gsi2pk: itemKeys.enabledSchedules, gsi2sk: user_id } : {}),
        },
      }),
    );
  }

  async get(userId: string): Promise<WeeklySchedule | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.weeklySchedule(userId), ConsistentRead: true }));
    return Item ? toSchedule(Item) : null;
  }

  async delete(userId: string): Promise<boolean> {
    const { Attributes } = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: itemKeys.weeklySchedule(userId), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  /** Reads gsi2 page by page, so the weekly run never holds more than one page; the index is eventually consistent. */
  async *enabled(): AsyncIterable<WeeklySchedule> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand(
          named({
            TableName: this.tableName,
            IndexName: ENABLED_SCHEDULES_INDEX,
            KeyConditionExpression: '#gsi2pk = :enabled',
            ExpressionAttributeValues: { ':enabled': itemKeys.enabledSchedules },
            ExclusiveStartKey: startKey,
            ...(this.pageSize === undefined ? {} : { Limit: this.pageSize }),
          }),
        ),
      );
      for (const item of page.Items ?? []) yield toSchedule(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async ready(): Promise<void> {
    await describeTable(this.doc, this.tableName);
  }
}

function toSchedule(item: Record<string, unknown>): WeeklySchedule {
  const { user_id, sheet_id, sheet_range, prompt, timezone, enabled, created_at, updated_at } = item as WeeklySchedule;
  return { user_id, sheet_id, sheet_range, prompt, timezone, enabled, created_at, updated_at };
}
