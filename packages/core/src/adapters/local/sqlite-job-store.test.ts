import { openEach } from '../../testing/contracts/contract-suite';
import { describeJobStoreContract } from '../../testing/contracts/job-store.contract';
import { queuedJob as job } from '../../testing/contracts/records';
import { openTempDatabase } from '../../testing/local/temp-database';
import { manualClock } from '../../testing/manual-clock';
import { openDatabase } from './sqlite-database';
import { clampListLimit, SqliteJobStore } from './sqlite-job-store';

async function open() {
  const sqlite = openTempDatabase();
  const clock = manualClock();
  return { ...sqlite, clock, store: new SqliteJobStore(sqlite.db, { now: clock.now }) };
}

describe('SqliteJobStore', () => {
  describeJobStoreContract('keeps the JobStore contract', open);

  describe('on SQLite', () => {
    const subject = openEach(open);

    it('is named sqlite', () => {
      expect(subject().store.name).toBe('sqlite');
    });

    it('clamps list limits to 1..100', () => {
      expect([0, 1, 2.7, 100, 101, Infinity, -Infinity, NaN].map(clampListLimit)).toEqual([1, 1, 2, 100, 100, 100, 1, 1]);
    });

    it('keeps jobs across reopening the database', async () => {
      const { store, db, file } = subject();
      await store.create(job('j1', 'alice'));
      db.close();
      const reopened = openDatabase(file);
      try {
        expect(await new SqliteJobStore(reopened).get('alice', 'j1')).toEqual(job('j1', 'alice'));
      } finally {
        reopened.close();
      }
    });
  });
});
