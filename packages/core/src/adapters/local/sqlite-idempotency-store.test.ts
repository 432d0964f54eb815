import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEach } from '../../testing/contracts/contract-suite';
import { describeIdempotencyStoreContract } from '../../testing/contracts/idempotency-store.contract';
import { openTempDatabase } from '../../testing/local/temp-database';
import { manualClock } from '../../testing/manual-clock';
import { openDatabase, type Database } from './sqlite-database';
import { MIGRATIONS } from './sqlite-migrations';
import { DEFAULT_IDEMPOTENCY_LEASE_MS } from '../../ports/idempotency-store.port';
import { IDEMPOTENCY_TTL_MS, SqliteIdempotencyStore } from './sqlite-idempotency-store';

async function open() {
  const sqlite = openTempDatabase();
  const clock = manualClock();
  const others: Database[] = [];
  return {
    clock,
    store: new SqliteIdempotencyStore(sqlite.db, { now: clock.now }),
    ttlMs: IDEMPOTENCY_TTL_MS,
    leaseMs: DEFAULT_IDEMPOTENCY_LEASE_MS,
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

    it('purges expired responses and claims past their lease, and nothing live', async () => {
      const { store, clock } = subject();
      await store.claim('alice', 'old', 'fp');
      await store.complete('alice', 'old', { status: 201, body: null, fingerprint: 'fp' });
      await store.claim('alice', 'crashed', 'fp');
      clock.advance(IDEMPOTENCY_TTL_MS);
      await store.claim('alice', 'fresh', 'fp');
      expect(await store.purgeExpired()).toBe(2);
      expect(await store.claim('alice', 'fresh', 'fp')).toEqual({ state: 'in_progress' });
    });

    it('uses the lease it is given', async () => {
      const { clock } = subject();
      const sqlite = openTempDatabase();
      try {
        const store = new SqliteIdempotencyStore(sqlite.db, { now: clock.now, leaseMs: 1000 });
        await store.claim('alice', 'k', 'fp');
        clock.advance(1000);
        expect(await store.claim('alice', 'k', 'fp')).toEqual({ state: 'new' });
      } finally {
        await sqlite.close();
      }
    });
  });

  it('keeps the entries written before the outcome_unknown state existed (migration 5)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
    const file = path.join(dir, 'pecunia.sqlite');
    const older = openDatabase(file, MIGRATIONS.slice(0, 4));
    older
      .prepare(
        `INSERT INTO idempotency_keys (owner, key, fingerprint, state, response_status, response_body, created_at, expires_at)
         VALUES ('alice', 'k1', 'fp', 'done', 201, '{"job_id":"j1"}', '2026-03-01T10:00:00.000Z', ?)`,
      )
      .run(Date.now() + IDEMPOTENCY_TTL_MS);
    older.close();
    const db = openDatabase(file);
    try {
      const claim = await new SqliteIdempotencyStore(db).claim('alice', 'k1', 'fp');
      expect(claim).toEqual({ state: 'done', response: { status: 201, body: { job_id: 'j1' }, fingerprint: 'fp' } });
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
