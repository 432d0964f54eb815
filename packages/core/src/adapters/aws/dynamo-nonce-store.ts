// Nonce store of AWS mode: a nonce is put once; a second use finds it (a replay) until it expires, swept by TTL.
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NonceStore } from '../../ports/nonce-store.port';
import { describeTable, isConditionFailed, named, ttlSeconds, type DynamoStoreOptions } from './dynamo-client';
import { itemKeys, TTL_ATTRIBUTE } from './dynamo-table';

export class DynamoNonceStore implements NonceStore {
  readonly name = 'dynamodb';

  private readonly now: () => number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async use(nonce: string, expiresAt: number): Promise<boolean> {
    if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > 256) return false;
    try {
      await this.doc.send(
        new PutCommand(
          named({
            TableName: this.tableName,
            Item: { ...itemKeys.nonce(nonce), [TTL_ATTRIBUTE]: ttlSeconds(expiresAt), expires_at_ms: expiresAt },
            // TTL deletes hours late (dynalite never): an expired nonce still in the table counts as absent. The
            // millisecond copy keeps the store's own expiry exact; the TTL attribute is whole seconds.
            ConditionExpression: 'attribute_not_exists(#pk) OR #expires_at_ms <= :now',
            ExpressionAttributeValues: { ':now': this.now() },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async ready(): Promise<void> {
    await describeTable(this.doc, this.tableName);
  }
}
