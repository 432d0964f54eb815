import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { useDynaliteTable } from '../../testing/aws/dynalite';
import { openEach } from '../../testing/contracts/contract-suite';
import { queuedJob, shareLink as link } from '../../testing/contracts/records';
import { describeShareLinkStoreContract } from '../../testing/contracts/share-link-store.contract';
import { DynamoJobStore } from './dynamo-job-store';
import { DynamoShareLinkStore } from './dynamo-share-link-store';

describe('DynamoShareLinkStore', () => {
  const dynamo = useDynaliteTable();
  const open = async () => ({
    store: new DynamoShareLinkStore(dynamo.doc, dynamo.tableName),
    rawRecords: async () => (await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tableName }))).Items ?? [],
  });

  describeShareLinkStoreContract('keeps the ShareLinkStore contract', open);

  describe('on DynamoDB', () => {
    const subject = openEach(open);

    it('is named dynamodb', () => {
      expect(subject().store.name).toBe('dynamodb');
    });

    it('keeps a link in its job’s partition with a TTL at its expiry, in epoch seconds rounded up', async () => {
      const shared = link('ttl', 'job-1', 'alice', { expires_at: '2026-03-08T10:00:00.001Z' });
      await subject().store.create(shared);

      const { Item } = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: { pk: 'JOB#job-1', sk: `SHARE#${shared.share_id}` } }));

      expect(Item).toMatchObject({ expires_at: Date.parse('2026-03-08T10:00:01Z') / 1000, link_expires_at: '2026-03-08T10:00:00.001Z', owner: 'alice' });
    });

    it('lives beside the job without changing what the job store reads', async () => {
      const jobs = new DynamoJobStore(dynamo.doc, dynamo.tableName);
      const job = queuedJob('job-1', 'alice');
      await jobs.create(job);

      await subject().store.create(link('beside', 'job-1', 'alice'));

      expect(await jobs.get('alice', 'job-1')).toEqual(job);
      expect(await jobs.list('alice', 10)).toHaveLength(1);
      expect(await subject().store.listForJob('alice', 'job-1')).toHaveLength(1);
    });
  });
});
