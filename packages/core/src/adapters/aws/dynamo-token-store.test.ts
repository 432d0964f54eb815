import { useEngineTable } from '../../testing/aws/dynalite';
import { describeWithMoto } from '../../testing/aws/moto';
import { openEach } from '../../testing/contracts/contract-suite';
import { describeTokenStoreContract } from '../../testing/contracts/token-store.contract';
import { manualClock } from '../../testing/manual-clock';
import { DynamoTokenStore } from './dynamo-token-store';

// On moto, not dynalite: the store writes a connection and its account lock in one TransactWriteItems, which dynalite lacks.
describeWithMoto('DynamoTokenStore', (moto) => {
  const dynamo = useEngineTable(moto);
  const open = async () => {
    const clock = manualClock();
    return { clock, store: new DynamoTokenStore(dynamo.doc, dynamo.tableName, { now: clock.now }) };
  };

  describeTokenStoreContract('keeps the TokenStore contract', open);

  describe('on DynamoDB', () => {
    const subject = openEach(open);

    it('is named dynamodb', () => {
      expect(subject().store.name).toBe('dynamodb');
    });
  });
});
