// API keys of AWS mode: random `pk_` keys of which DynamoDB keeps only the sha256, found by hash, listed per user.
import { hash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../errors';
import type { ApiKeyRecord, ApiKeyStore } from '../../ports/api-key-store.port';
import { describeTable, isConditionFailed, named, type DynamoStoreOptions } from './dynamo-client';
import { itemKeys, OWNER_INDEX } from './dynamo-table';

const PREFIX = 'pk_';
/** 32 random bytes in base64url without padding are exactly 43 characters. */
const KEY_SHAPE = /^pk_[A-Za-z0-9_-]{43}$/;
/** Characters of the key shown as its public id: enough to tell keys apart, far too few to guess the rest. */
const KEY_ID_LENGTH = 8;

/** Hex sha256 of the key's UTF-8 bytes, in one call (no Hash object per request). */
const sha256 = (text: string): string => hash('sha256', text, 'hex');

export class DynamoApiKeyStore implements ApiKeyStore {
  readonly name = 'dynamodb';

  private readonly now: () => number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async create(userId: string): Promise<{ key: string; record: ApiKeyRecord }> {
    if (typeof userId !== 'string' || userId.trim().length === 0) {
      throw new ValidationError('API_KEY.INVALID_USER', 'An API key needs a non-empty user id.');
    }
    const key = PREFIX + randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = {
      keyId: key.slice(PREFIX.length, PREFIX.length + KEY_ID_LENGTH),
      userId,
      createdAt: new Date(this.now()).toISOString(),
    };
    // First a mark that the user was issued a key, kept when keys are revoked (a user with revoked keys still exists);
    // written before the key so that a crash in between leaves the user known, never a key without its mark.
    const { Attributes } = await this.doc.send(
      new UpdateCommand(
        named({
          TableName: this.tableName,
          Key: itemKeys.keysIssued(userId),
          UpdateExpression: 'ADD #issued :one SET #user_id = :user',
          ExpressionAttributeValues: { ':one': 1, ':user': userId },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    // The key's number among the user's keys: a revocation covers every number issued before it, exactly.
    const sequence = typeof Attributes?.issued === 'number' ? Attributes.issued : 0;
    await this.doc.send(
      new PutCommand(
        named({
          TableName: this.tableName,
          Item: {
            ...itemKeys.apiKey(sha256(key)),
            user_id: userId,
            key_id: record.keyId,
            created_at: record.createdAt,
            sequence,
            // In gsi1 while active: revoking removes these, so the index lists exactly the keys that still work.
            gsi1pk: itemKeys.ownerKeys(userId),
            gsi1sk: `${record.createdAt}#${record.keyId}`,
          },
          // 256 random bits never collide; the condition makes sure a collision could not hand over another's key.
          ConditionExpression: 'attribute_not_exists(#pk)',
        }),
      ),
    );
    return { key, record };
  }

  async verify(key: string): Promise<string | null> {
    // Junk (wrong type, shape or length) is answered before hashing: it can never match a stored key anyway.
    if (typeof key !== 'string' || !KEY_SHAPE.test(key)) return null;
    // Strongly consistent: a key works the moment it is created and stops the moment it is revoked.
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.apiKey(sha256(key)), ConsistentRead: true }));
    if (!Item || Item.revoked_at !== undefined || typeof Item.user_id !== 'string') return null;
    // revoke() finds keys through an eventually consistent index and may miss one made an instant before; the count
    // of keys issued when it ran, read consistently, refuses every key numbered up to it.
    const marker = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.keysIssued(Item.user_id), ConsistentRead: true }));
    const revokedThrough = marker.Item?.revoked_through;
    const sequence = typeof Item.sequence === 'number' ? Item.sequence : 0;
    if (typeof revokedThrough === 'number' && sequence <= revokedThrough) return null;
    return Item.user_id;
  }

  /**
   * Revokes each active key found in gsi1. The index is eventually consistent: a key created in the same instant
   * may be listed a moment later; each revocation itself is a conditional write, so none is counted twice.
   */
  async revoke(userId: string): Promise<number> {
    const revokedAt = new Date(this.now()).toISOString();
    // First the user-wide mark verify() checks, so that no key issued so far works, listed by the index or not.
    await this.doc.send(
      new UpdateCommand(
        named({
          TableName: this.tableName,
          Key: itemKeys.keysIssued(userId),
          UpdateExpression: 'SET #revoked_through = if_not_exists(#issued, :zero), #user_id = :user',
          ExpressionAttributeValues: { ':zero': 0, ':user': userId },
        }),
      ),
    );
    let revoked = 0;
    for await (const key of this.activeKeys(userId)) {
      try {
        await this.doc.send(
          new UpdateCommand(
            named({
              TableName: this.tableName,
              Key: key,
              UpdateExpression: 'SET #revoked_at = :at REMOVE #gsi1pk, #gsi1sk',
              ConditionExpression: 'attribute_not_exists(#revoked_at) AND #user_id = :user',
              ExpressionAttributeValues: { ':at': revokedAt, ':user': userId },
            }),
          ),
        );
        revoked++;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    }
    return revoked;
  }

  async count(userId: string, options: { includeRevoked?: boolean } = {}): Promise<number> {
    if (options.includeRevoked) {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: itemKeys.keysIssued(userId), ConsistentRead: true }));
      return typeof Item?.issued === 'number' ? Item.issued : 0;
    }
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...this.keysQuery(userId), Select: 'COUNT', ExclusiveStartKey: startKey }));
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  async ready(): Promise<void> {
    await describeTable(this.doc, this.tableName);
  }

  private async *activeKeys(userId: string): AsyncGenerator<{ pk: string; sk: string }> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...this.keysQuery(userId), ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) yield { pk: item.pk as string, sk: item.sk as string };
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  private keysQuery(userId: string) {
    return named({
      TableName: this.tableName,
      IndexName: OWNER_INDEX,
      KeyConditionExpression: '#gsi1pk = :owner',
      ExpressionAttributeValues: { ':owner': itemKeys.ownerKeys(userId) },
    });
  }
}
