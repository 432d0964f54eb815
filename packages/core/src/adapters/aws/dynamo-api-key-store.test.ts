import { createHash } from 'node:crypto';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { useDynaliteTable } from '../../testing/aws/dynalite';
import { openEach } from '../../testing/contracts/contract-suite';
import { describeApiKeyStoreContract } from '../../testing/contracts/api-key-store.contract';
import { manualClock } from '../../testing/manual-clock';
import { DynamoApiKeyStore } from './dynamo-api-key-store';

describe('DynamoApiKeyStore', () => {
  const dynamo = useDynaliteTable();
  const open = async () => {
    const clock = manualClock();
    return {
      clock,
      store: new DynamoApiKeyStore(dynamo.doc, dynamo.tableName, { now: clock.now }),
      rawRecords: async () => (await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tableName }))).Items ?? [],
    };
  };

  describeApiKeyStoreContract('keeps the ApiKeyStore contract', open);

  describe('on DynamoDB', () => {
    const subject = openEach(open);

    it('is named dynamodb', () => {
      expect(subject().store.name).toBe('dynamodb');
    });

    it('refuses a key the owner index had not listed yet when its user was revoked', async () => {
      const { store } = subject();
      const { key } = await store.create('alice');
      // The index lags: revoke() does not find this key through it.
      await dynamo.doc.send(
        new UpdateCommand({
          TableName: dynamo.tableName,
          Key: { pk: `API_KEY#${createHash('sha256').update(key).digest('hex')}`, sk: 'API_KEY' },
          UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
        }),
      );

      expect(await store.revoke('alice')).toBe(0);

      expect(await store.verify(key)).toBeNull();
      const later = await store.create('alice');
      expect(await store.verify(later.key)).toBe('alice');
    });

    it('keeps a key as an item under its sha256, beside the user’s count of keys issued', async () => {
      const { store, rawRecords } = subject();
      const { key } = await store.create('alice');

      const items = await rawRecords();

      const keyItems = items.filter((item) => String(item.pk).startsWith('API_KEY#'));
      expect(keyItems).toEqual([expect.objectContaining({ pk: `API_KEY#${createHash('sha256').update(key).digest('hex')}`, user_id: 'alice' })]);
      expect(keyItems[0]).not.toHaveProperty('revoked_at');
      // Beside it only the count of keys ever issued to the user, which holds no key.
      expect(items.filter((item) => !String(item.pk).startsWith('API_KEY#'))).toEqual([expect.objectContaining({ pk: 'USER#alice', sk: 'API_KEYS_ISSUED', issued: 1 })]);
    });
  });
});
