// Idempotency store of AWS mode: per-owner Idempotency-Key claims (leased) and their responses in DynamoDB, kept 24 hours by TTL.
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../errors';
import { DEFAULT_IDEMPOTENCY_LEASE_MS, type IdempotencyClaim, type IdempotencyStore, type StoredResponse } from '../../ports/idempotency-store.port';
import { describeTable, isConditionFailed, named, ttlSeconds, type DynamoStoreOptions } from './dynamo-client';
import { itemKeys, TTL_ATTRIBUTE } from './dynamo-table';

/** How long a claim and its response are remembered (the SQLite store's 24 hours). */
export const DYNAMO_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** A claim found taken may vanish (released, expired) before it is read; claiming again settles it in a round or two. */
const CLAIM_ROUNDS = 3;

export interface DynamoIdempotencyStoreOptions extends DynamoStoreOptions {
  /** How long a response (or an unknown outcome) is remembered. */
  ttlMs?: number;
  /** How long an in-progress claim holds its key before a retry may take it over. */
  leaseMs?: number;
}

interface ClaimItem {
  fingerprint: string;
  state: 'in_progress' | 'done' | 'outcome_unknown';
  response_status?: number;
  response_body?: string;
  response_headers?: string;
  expires_at_ms: number;
}

export class DynamoIdempotencyStore implements IdempotencyStore {
  readonly name = 'dynamodb';

  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly leaseMs: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoIdempotencyStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? DYNAMO_IDEMPOTENCY_TTL_MS;
    this.leaseMs = options.leaseMs ?? DEFAULT_IDEMPOTENCY_LEASE_MS;
  }

  async claim(owner: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    assertText('owner', owner);
    assertText('key', key);
    assertText('fingerprint', fingerprint);
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const now = this.now();
      try {
        // One conditional put decides between racing claims; an expired entry (a response past its TTL, a claim past
        // its lease; TTL sweeps lazily) counts as absent.
        await this.doc.send(
          new PutCommand(
            named({
              TableName: this.tableName,
              Item: { ...this.key(owner, key), fingerprint, state: 'in_progress', created_at: new Date(now).toISOString(), ...this.expiry(now, this.leaseMs) },
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
    // Unconditional: the response is kept whether the claim is live, past its lease or was never taken, and it is
    // remembered for the TTL from now (the claim's expiry was only its lease). JSON.stringify(undefined) is
    // undefined: no attribute, read back as undefined.
    const headers = response.headers && Object.keys(response.headers).length > 0 ? JSON.stringify(response.headers) : undefined;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...this.key(owner, key),
          fingerprint: response.fingerprint,
          state: 'done',
          response_status: response.status,
          response_body: JSON.stringify(response.body) as string | undefined,
          response_headers: headers,
          created_at: new Date(now).toISOString(),
          ...this.expiry(now, this.ttlMs),
        },
      }),
    );
  }

  async abandon(owner: string, key: string, fingerprint: string): Promise<void> {
    assertText('owner', owner);
    assertText('key', key);
    assertText('fingerprint', fingerprint);
    const now = this.now();
    try {
      await this.doc.send(
        new PutCommand(
          named({
            TableName: this.tableName,
            Item: { ...this.key(owner, key), fingerprint, state: 'outcome_unknown', created_at: new Date(now).toISOString(), ...this.expiry(now, this.ttlMs) },
            // A stored response is never downgraded to unknown.
            ConditionExpression: 'attribute_not_exists(#pk) OR #state <> :done OR #expires_at_ms <= :now',
            ExpressionAttributeValues: { ':done': 'done', ':now': now },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  /** Nothing to do: the table's TTL deletes expired items (lazily; claims treat them as absent meanwhile). */
  async purgeExpired(): Promise<number> {
    return 0;
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

  private expiry(now: number, forMs: number) {
    const expiresAt = now + forMs;
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
  if (item.state === 'outcome_unknown') return { state: 'outcome_unknown', fingerprint: item.fingerprint };
  return {
    state: 'done',
    response: {
      status: item.response_status ?? 0,
      body: item.response_body === undefined ? undefined : (JSON.parse(item.response_body) as unknown),
      fingerprint: item.fingerprint,
      ...(item.response_headers === undefined ? {} : { headers: JSON.parse(item.response_headers) as Record<string, string> }),
    },
  };
}
