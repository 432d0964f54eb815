import { openEach } from '../../testing/contracts/contract-suite';
import { describeIdempotencyStoreContract } from '../../testing/contracts/idempotency-store.contract';
import { openTempDatabase } from '../../testing/local/temp-database';
import { manualClock } from '../../testing/manual-clock';
import { openDatabase, type Database } from './sqlite-database';
import { IDEMPOTENCY_TTL_MS, SqliteIdempotencyStore } from './sqlite-idempotency-store';

async function open() {
  const sqlite = openTempDatabase();
  const clock = manualClock();
  const others: Database[] = [];
  return {
    clock,
    store: new SqliteIdempotencyStore(sqlite.db, { now: clock.now }),
    ttlMs: IDEMPOTENCY_TTL_MS,
    // Another connection to the same file, as a second process of the API has.
    another: async () => {
      const db = openDatabase(sqlite.file);
      others.push(db);
      return new SqliteIdempotencyStore(db, { now: clock.now });
    },
    close: async () => {
      for (const db of others) db.close();
      await sqlite.close();
    },
  };
}

describe('SqliteIdempotencyStore', () => {
  describeIdempotencyStoreContract('keeps the IdempotencyStore contract', open);

  describe('on SQLite', () => {
    const subject = openEach(open);

    it('purges expired entries', async () => {
      const { store, clock } = subject();
      await store.claim('alice', 'old', 'fp');
      clock.advance(IDEMPOTENCY_TTL_MS);
      await store.claim('alice', 'fresh', 'fp');
      expect(await store.purgeExpired()).toBe(1);
      expect(await store.claim('alice', 'fresh', 'fp')).toEqual({ state: 'in_progress' });
    });
  });
});
