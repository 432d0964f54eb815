import { openEach } from '../../testing/contracts/contract-suite';
import { describeTokenStoreContract } from '../../testing/contracts/token-store.contract';
import { googleConnection as connection } from '../../testing/contracts/records';
import { openTempDatabase } from '../../testing/local/temp-database';
import { manualClock } from '../../testing/manual-clock';
import { openDatabase } from './sqlite-database';
import { SqliteTokenStore } from './sqlite-token-store';

async function open() {
  const sqlite = openTempDatabase();
  const clock = manualClock();
  return { ...sqlite, clock, store: new SqliteTokenStore(sqlite.db, { now: clock.now }) };
}

describe('SqliteTokenStore', () => {
  describeTokenStoreContract('keeps the TokenStore contract', open);

  describe('on SQLite', () => {
    const subject = openEach(open);

    it('keeps connections across reopening the database', async () => {
      const { store, db, file } = subject();
      await store.put(connection('alice', 'sub-a'));
      db.close();
      const reopened = openDatabase(file);
      try {
        expect((await new SqliteTokenStore(reopened).get('alice'))?.subject).toBe('sub-a');
      } finally {
        reopened.close();
      }
    });
  });
});
