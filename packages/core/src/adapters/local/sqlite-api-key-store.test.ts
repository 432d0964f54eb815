import { createHash } from 'node:crypto';
import { openEach } from '../../testing/contracts/contract-suite';
import { describeApiKeyStoreContract } from '../../testing/contracts/api-key-store.contract';
import { openTempDatabase } from '../../testing/local/temp-database';
import { manualClock } from '../../testing/manual-clock';
import { SqliteApiKeyStore } from './sqlite-api-key-store';

async function open() {
  const sqlite = openTempDatabase();
  const clock = manualClock();
  return {
    ...sqlite,
    clock,
    store: new SqliteApiKeyStore(sqlite.db, { now: clock.now }),
    rawRecords: async () => sqlite.db.prepare('SELECT * FROM api_keys').all(),
  };
}

describe('SqliteApiKeyStore', () => {
  describeApiKeyStoreContract('keeps the ApiKeyStore contract', open);

  describe('on SQLite', () => {
    const subject = openEach(open);

    it('keeps a key as one row: its sha256, its user, not revoked', async () => {
      const { store, rawRecords } = subject();
      const { key } = await store.create('alice');

      expect(await rawRecords()).toEqual([
        expect.objectContaining({ key_hash: createHash('sha256').update(key).digest('hex'), user_id: 'alice', revoked_at: null }),
      ]);
    });
  });
});
