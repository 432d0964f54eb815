import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { useDynaliteTable } from '../../testing/aws/dynalite';
import { openEach } from '../../testing/contracts/contract-suite';
import { describeNonceStoreContract } from '../../testing/contracts/nonce-store.contract';
import { manualClock } from '../../testing/manual-clock';
import { DynamoNonceStore } from './dynamo-nonce-store';

describe('DynamoNonceStore', () => {
  const dynamo = useDynaliteTable();
  const open = async () => {
    const clock = manualClock();
    return { clock, store: new DynamoNonceStore(dynamo.doc, dynamo.tableName, { now: clock.now }) };
  };

  // dynalite never sweeps TTL, so the contract's expiry case shows that an expired nonce still in the table is absent.
  describeNonceStoreContract('keeps the NonceStore contract', open);

  describe('on DynamoDB', () => {
    const subject = openEach(open);

    it('is named dynamodb', () => {
      expect(subject().store.name).toBe('dynamodb');
    });

    it('gives the TTL attribute in epoch seconds, rounded up', async () => {
      await subject().store.use('n1', 1_600_000_000_001);

      const { Item } = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: { pk: 'NONCE#n1', sk: 'NONCE' } }));

      expect(Item).toMatchObject({ expires_at: 1_600_000_001 });
    });
  });
});
