// Idempotency store of AWS mode: per-owner Idempotency-Key claims and their responses in DynamoDB, kept 24 hours by TTL.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../errors';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.port';
import { describeTable, isConditionFailed, named, ttlSeconds, type DynamoStoreOptions } from './dynamo-client';
import { itemKeys, TTL_ATTRIBUTE } from './dynamo-table';

/** How long a claim and its response are remembered (the SQLite store's 24 hours). */
export const DYNAMO_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** A claim found taken may vanish (released, expired) before it is read; claiming again settles it in a round or two. */
const CLAIM_ROUNDS = 3;

export interface DynamoIdempotencyStoreOptions extends DynamoStoreOptions {
  ttlMs?: number;
}

interface ClaimItem {
  fingerprint: string;
  state: 'in_progress' | 'done';
  response_status?: number;
  response_body?: string;
  expires_at_ms: number;
}

export class DynamoIdempotencyStore implements IdempotencyStore {
  readonly name = 'dynamodb';

  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoIdempotencyStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? DYNAMO_IDEMPOTENCY_TTL_MS;
  }

  async claim(owner: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    assertText('owner', owner);
    assertText('key', key);
    assertText('fingerprint', fingerprint);
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const now = this.now();
      try {
        // One conditional put decides between racing claims; an expired entry (TTL sweeps lazily) counts as absent.
        await this.doc.send(
          new PutCommand(
            named({
              TableName: this.tableName,
              Item: { ...this.key(owner, key), fingerprint, state: 'in_progress', created_at: new Date(now).toISOString(), ...this.expiry(now) },
              ConditionExpression: 'attribute_not_exists(#pk) OR #expires_at_ms <= :now',
              ExpressionAttributeValues: { ':now': now },
            }),
          ),
        );
        return { state: 'new' };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.key(owner, key), ConsistentRead: true }));
      const held = Item as ClaimItem | undefined;
      if (held && held.expires_at_ms > now) return toClaim(held);
    }
    // Claimed and released over and over while we looked: report it busy, the client retries later.
    return { state: 'in_progress' };
  }

  async complete(owner: string, key: string, response: StoredResponse): Promise<void> {
    assertText('owner', owner);
    assertText('key', key);
    assertText('fingerprint', response.fingerprint);
    if (!Number.isInteger(response.status) || response.status < 100 || response.status > 599) {
      throw new ValidationError('IDEMPOTENCY.INVALID_STATUS', 'A stored response needs an HTTP status (100–599).', { status: response.status });
    }
    const now = this.now();
    // JSON.stringify(undefined) is undefined: no attribute, read back as undefined.
    const body = JSON.stringify(response.body) as string | undefined;
    try {
      // A live claim keeps its expiry: a retry is answered for 24 hours from the first request, as in SQLite.
      await this.doc.send(
        new UpdateCommand(
          named({
            TableName: this.tableName,
            Key: this.key(owner, key),
            UpdateExpression:
              'SET #fingerprint = :fingerprint, #state = :done, #response_status = :status' +
              (body === undefined ? ' REMOVE #response_body' : ', #response_body = :body'),
            ConditionExpression: 'attribute_exists(#pk) AND #expires_at_ms > :now',
            ExpressionAttributeValues: {
              ':fingerprint': response.fingerprint,
              ':done': 'done',
              ':status': response.status,
              ':now': now,
              ...(body === undefined ? {} : { ':body': body }),
            },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      // The claim expired (or was never taken) while the request ran: the response is kept all the same.
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(owner, key),
            fingerprint: response.fingerprint,
            state: 'done',
            response_status: response.status,
            response_body: body,
            created_at: new Date(now).toISOString(),
            ...this.expiry(now),
          },
        }),
      );
    }
  }

  async release(owner: string, key: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand(
          named({
            TableName: this.tableName,
            Key: this.key(owner, key),
            // A stored response is never dropped: only a claim still in progress is released.
            ConditionExpression: '#state = :in_progress',
            ExpressionAttributeValues: { ':in_progress': 'in_progress' },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  async ready(): Promise<void> {
    await describeTable(this.doc, this.tableName);
  }

  private key(owner: string, key: string) {
    return itemKeys.idempotency(owner, key);
  }

  private expiry(now: number) {
    const expiresAt = now + this.ttlMs;
    return { [TTL_ATTRIBUTE]: ttlSeconds(expiresAt), expires_at_ms: expiresAt };
  }
}

function assertText(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError('IDEMPOTENCY.INVALID_INPUT', `The idempotency ${field} must be a non-empty string.`, { field });
  }
}

function toClaim(item: ClaimItem): IdempotencyClaim {
  if (item.state === 'in_progress') return { state: 'in_progress' };
  return {
    state: 'done',
    response: {
      status: item.response_status ?? 0,
      body: item.response_body === undefined ? undefined : (JSON.parse(item.response_body) as unknown),
      fingerprint: item.fingerprint,
    },
  };
}
