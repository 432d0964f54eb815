import { SqliteIdempotencyStore } from '../adapters/local/sqlite-idempotency-store';
import { openTempDatabase, type TempDatabase } from '../testing/local/temp-database';
import { manualClock } from '../testing/manual-clock';
import { scheduleIdempotencyPurge } from './idempotency-purge';

let sqlite: TempDatabase;
beforeEach(() => {
  sqlite = openTempDatabase();
});
afterEach(async () => {
  await sqlite.close();
});

const countRows = () => sqlite.db.prepare<[], number>('SELECT count(*) FROM idempotency_keys').pluck().get();

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('scheduleIdempotencyPurge', () => {
  it('purges at once, then on its timer, and not after stop()', async () => {
    const clock = manualClock(Date.parse('2026-03-01T10:00:00Z'));
    const store = new SqliteIdempotencyStore(sqlite.db, { now: clock.now, leaseMs: 1000 });
    await store.claim('alice', 'crashed-before-start', 'fp');
    clock.advance(1000);

    const schedule = await scheduleIdempotencyPurge(store, { intervalMs: 10 });
    expect(countRows()).toBe(0);

    await store.claim('alice', 'crashed-while-running', 'fp');
    clock.advance(1000);
    await until(() => countRows() === 0);

    await schedule.stop();
    await store.claim('alice', 'after-stop', 'fp');
    clock.advance(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(countRows()).toBe(1);
  });

  it('logs a failed purge instead of failing the start', async () => {
    const errors: string[] = [];
    const failing = { purgeExpired: () => Promise.reject(new Error('database is locked')) };

    const schedule = await scheduleIdempotencyPurge(failing, { logger: { info: () => undefined, warn: () => undefined, error: (message) => errors.push(message) } });
    await schedule.stop();

    expect(errors).toEqual(['idempotency purge failed']);
  });
});
