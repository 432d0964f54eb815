import { openEach } from '../../testing/contracts/contract-suite';
import { shareId, shareLink as link } from '../../testing/contracts/records';
import { describeShareLinkStoreContract } from '../../testing/contracts/share-link-store.contract';
import { openTempDatabase } from '../../testing/local/temp-database';
import { SqliteShareLinkStore } from './sqlite-share-link-store';

async function open() {
  const sqlite = openTempDatabase();
  return {
    ...sqlite,
    store: new SqliteShareLinkStore(sqlite.db),
    rawRecords: async () => sqlite.db.prepare('SELECT * FROM share_links').all(),
  };
}

describe('SqliteShareLinkStore', () => {
  describeShareLinkStoreContract('keeps the ShareLinkStore contract', open);

  describe('on SQLite', () => {
    const subject = openEach(open);

    it('drops links that expired before a new one is created, and keeps the live ones', async () => {
      const { store, db } = subject();
      const expired = link('expired', 'job-1', 'alice', { created_at: '2026-02-01T10:00:00.000Z', expires_at: '2026-02-08T10:00:00.000Z' });
      const live = link('live', 'job-1', 'alice', { created_at: '2026-02-27T10:00:00.000Z', expires_at: '2026-03-06T10:00:00.000Z' });
      await store.create(expired);
      await store.create(live);

      await store.create(link('new', 'job-2', 'alice'));

      expect(db.prepare('SELECT share_id FROM share_links ORDER BY share_id').pluck().all()).toEqual([shareId('live'), shareId('new')].sort());
    });

    it('lists a job’s links through its index', () => {
      const { db } = subject();
      const plan = db
        .prepare<[], { detail: string }>("EXPLAIN QUERY PLAN SELECT * FROM share_links WHERE job_id = 'j' AND owner = 'o' ORDER BY created_at DESC")
        .all()
        .map((step) => step.detail)
        .join('\n');

      expect(plan).toContain('share_links_by_job');
    });
  });
});
