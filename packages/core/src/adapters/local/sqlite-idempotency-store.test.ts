import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from './sqlite-database';
import { IDEMPOTENCY_TTL_MS, SqliteIdempotencyStore } from './sqlite-idempotency-store';

describe('SqliteIdempotencyStore', () => {
  let dir: string;
  let file: string;
  let db: Database;
  let clock: number;
  let store: SqliteIdempotencyStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
    file = path.join(dir, 'pecunia.sqlite');
    db = openDatabase(file);
    clock = Date.parse('2026-03-01T10:00:00Z');
    store = new SqliteIdempotencyStore(db, { now: () => clock });
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const response = { status: 201, body: { job_id: 'j1', nested: [1, 'two', null] }, fingerprint: 'fp-1' };

  it('hands a key out once: new, then in progress, then done with the response', async () => {
    expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'new' });
    expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'in_progress' });
    await store.complete('alice', 'k1', response);
    expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'done', response });
  });

  it('reports the stored state and fingerprint to a claim with another fingerprint', async () => {
    await store.claim('alice', 'k1', 'fp-1');
    expect(await store.claim('alice', 'k1', 'fp-other')).toEqual({ state: 'in_progress' });
    await store.complete('alice', 'k1', response);
    const claim = await store.claim('alice', 'k1', 'fp-other');
    expect(claim).toEqual({ state: 'done', response: expect.objectContaining({ fingerprint: 'fp-1' }) });
  });

  it('keeps keys of different owners apart', async () => {
    expect(await store.claim('alice', 'k1', 'fp')).toEqual({ state: 'new' });
    expect(await store.claim('bob', 'k1', 'fp')).toEqual({ state: 'new' });
    await store.complete('alice', 'k1', response);
    expect(await store.claim('bob', 'k1', 'fp')).toEqual({ state: 'in_progress' });
  });

  it('releases an in-progress claim so a retry runs again, but never drops a stored response', async () => {
    await store.claim('alice', 'k1', 'fp-1');
    await store.release('alice', 'k1');
    expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'new' });
    await store.complete('alice', 'k1', response);
    await store.release('alice', 'k1');
    expect(await store.claim('alice', 'k1', 'fp-1')).toEqual({ state: 'done', response });
  });

  it('treats entries older than 24 hours as absent', async () => {
    await store.claim('alice', 'stuck', 'fp');
    await store.claim('alice', 'done', 'fp-1');
    await store.complete('alice', 'done', response);

    clock += IDEMPOTENCY_TTL_MS - 1;
    expect(await store.claim('alice', 'stuck', 'fp')).toEqual({ state: 'in_progress' });
    expect((await store.claim('alice', 'done', 'fp-1')).state).toBe('done');

    clock += 1;
    expect(await store.claim('alice', 'stuck', 'fp')).toEqual({ state: 'new' });
    expect(await store.claim('alice', 'done', 'fp-2')).toEqual({ state: 'new' });
    expect(await store.claim('alice', 'done', 'fp-2')).toEqual({ state: 'in_progress' });
  });

  it('purges expired entries', async () => {
    await store.claim('alice', 'old', 'fp');
    clock += IDEMPOTENCY_TTL_MS;
    await store.claim('alice', 'fresh', 'fp');
    expect(await store.purgeExpired()).toBe(1);
    expect(await store.claim('alice', 'fresh', 'fp')).toEqual({ state: 'in_progress' });
  });

  it('keeps a response completed without a live claim, and bodies of any JSON shape', async () => {
    await store.complete('alice', 'late', { status: 204, body: undefined, fingerprint: 'fp' });
    expect(await store.claim('alice', 'late', 'fp')).toEqual({
      state: 'done',
      response: { status: 204, body: undefined, fingerprint: 'fp' },
    });
    await store.complete('alice', 'text', { status: 200, body: 'plain "text" ✓', fingerprint: 'fp' });
    expect(await store.claim('alice', 'text', 'fp')).toMatchObject({ response: { body: 'plain "text" ✓' } });
  });

  it('gives exactly one of two stores on the same file the claim', async () => {
    const otherDb = openDatabase(file);
    try {
      const other = new SqliteIdempotencyStore(otherDb, { now: () => clock });
      const claims = await Promise.all([store.claim('alice', 'race', 'fp'), other.claim('alice', 'race', 'fp')]);
      expect(claims.map((claim) => claim.state).sort()).toEqual(['in_progress', 'new']);
    } finally {
      otherDb.close();
    }
  });

  it('refuses empty keys and invalid statuses', async () => {
    await expect(store.claim('alice', '', 'fp')).rejects.toMatchObject({ code: 'IDEMPOTENCY.INVALID_INPUT' });
    await expect(store.complete('alice', 'k', { status: 42, body: null, fingerprint: 'fp' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY.INVALID_STATUS',
    });
  });
});
