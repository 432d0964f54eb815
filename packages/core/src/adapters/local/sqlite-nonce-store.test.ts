import { openEach } from '../../testing/contracts/contract-suite';
import { describeNonceStoreContract } from '../../testing/contracts/nonce-store.contract';
import { openTempDatabase } from '../../testing/local/temp-database';
import { manualClock } from '../../testing/manual-clock';
import { SqliteNonceStore } from './sqlite-nonce-store';

async function open() {
  const sqlite = openTempDatabase();
  const clock = manualClock();
  return { ...sqlite, clock, store: new SqliteNonceStore(sqlite.db, { now: clock.now }) };
}

describe('SqliteNonceStore', () => {
  describeNonceStoreContract('keeps the NonceStore contract', open);

  describe('on SQLite', () => {
    const subject = openEach(open);

    it('drops expired nonces as new ones arrive', async () => {
      const { store: nonces, clock, db } = subject();
      let now = 1_000_000;
      clock.set(now);
      expect(await nonces.use('n1', now + 600_000)).toBe(true);
      expect(await nonces.use('n2', now + 600_000)).toBe(true);

      clock.set((now += 600_001));
      expect(await nonces.use('n3', now + 600_000)).toBe(true);
      expect(db.prepare('SELECT nonce FROM oauth_nonces ORDER BY nonce').pluck().all()).toEqual(['n3']);
    });
  });
});
