import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { useDynaliteTable } from '../../testing/aws/dynalite';
import { openEach } from '../../testing/contracts/contract-suite';
import { describeScheduleStoreContract } from '../../testing/contracts/schedule-store.contract';
import { weeklySchedule as schedule } from '../../testing/contracts/records';
import { DynamoScheduleStore } from './dynamo-schedule-store';

describe('DynamoScheduleStore', () => {
  const dynamo = useDynaliteTable();
  const open = async () => ({
    store: new DynamoScheduleStore(dynamo.doc, dynamo.tableName),
    paged: (pageSize: number) => new DynamoScheduleStore(dynamo.doc, dynamo.tableName, { pageSize }),
    rawRecords: async () => (await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tableName }))).Items ?? [],
  });

  describeScheduleStoreContract('keeps the ScheduleStore contract', open);

  describe('on DynamoDB', () => {
    const subject = openEach(open);

    it('is named dynamodb', () => {
      expect(subject().store.name).toBe('dynamodb');
    });

    // The domain allows an empty prompt and so does this store; SqliteScheduleStore refuses one.
    it('keeps a schedule with an empty prompt, and lists it when enabled', async () => {
      const { store } = subject();
      const alice = schedule('alice', { prompt: '' });

      await store.put(alice);

      expect(await store.get('alice')).toEqual(alice);
      const enabled = [];
      for await (const item of store.enabled()) enabled.push(item);
      expect(enabled).toEqual([alice]);
    });
  });
});
