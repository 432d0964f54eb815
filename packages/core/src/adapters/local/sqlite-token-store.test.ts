import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GoogleConnection } from '../../ports/token-store.port';
import { openDatabase, type Database } from './sqlite-database';
import { SqliteNonceStore } from './sqlite-nonce-store';
import { SqliteTokenStore } from './sqlite-token-store';

const connection = (userId: string, subject: string, ciphertext = `cipher-${userId}`): GoogleConnection => ({
  user_id: userId,
  subject,
  email: `${userId}@example.com`,
  ciphertext,
  status: 'connected',
  updated_at: '',
});

describe('SqliteTokenStore', () => {
  let dir: string;
  let file: string;
  let db: Database;
  let clock: number;
  let store: SqliteTokenStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
    file = path.join(dir, 'pecunia.sqlite');
    db = openDatabase(file);
    clock = Date.parse('2026-04-01T12:00:00Z');
    store = new SqliteTokenStore(db, { now: () => clock });
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts, replaces, finds by user and by Google account, and deletes', async () => {
    expect(await store.get('alice')).toBeNull();
    await store.put(connection('alice', 'sub-a'));
    await store.put(connection('bob', 'sub-b'));
    await store.put(connection('alice', 'sub-a', 'cipher-a2'));

    expect(await store.get('alice')).toEqual({ ...connection('alice', 'sub-a', 'cipher-a2'), updated_at: '2026-04-01T12:00:00.000Z' });
    expect((await store.findBySubject('sub-b'))?.user_id).toBe('bob');
    await store.delete('alice');
    expect(await store.get('alice')).toBeNull();
    expect(await store.findBySubject('sub-a')).toBeNull();
  });

  it('binds one Google account to one user', async () => {
    await store.put(connection('alice', 'sub-a'));
    await expect(store.put(connection('mallory', 'sub-a'))).rejects.toMatchObject({ code: 'OAUTH.ACCOUNT_IN_USE', status: 409 });
    expect(await store.get('mallory')).toBeNull();
    // …and one user to one Google account: a reconnect with another account does not move them.
    await expect(store.put(connection('alice', 'sub-other'))).rejects.toMatchObject({ code: 'OAUTH.USER_BOUND_ELSEWHERE', status: 409 });
    expect((await store.get('alice'))?.subject).toBe('sub-a');
  });

  it('updates the ciphertext of a connected user only, and marks a connection broken', async () => {
    await store.put(connection('alice', 'sub-a'));
    clock += 1000;
    await store.updateCiphertext('alice', 'refreshed');
    expect(await store.get('alice')).toMatchObject({ ciphertext: 'refreshed', updated_at: '2026-04-01T12:00:01.000Z' });

    await store.markBroken('alice');
    await store.updateCiphertext('alice', 'late refresh');
    expect(await store.get('alice')).toMatchObject({ ciphertext: 'refreshed', status: 'broken' });
    await store.updateCiphertext('nobody', 'x');
    expect(await store.get('nobody')).toBeNull();
  });

  it('keeps connections across reopening the database', async () => {
    await store.put(connection('alice', 'sub-a'));
    db.close();
    db = openDatabase(file);
    expect((await new SqliteTokenStore(db).get('alice'))?.subject).toBe('sub-a');
  });

  it('refuses a connection without user, account or ciphertext', async () => {
    await expect(store.put(connection('', 'sub'))).rejects.toMatchObject({ code: 'TOKEN.INVALID_CONNECTION' });
    await expect(store.put(connection('alice', ''))).rejects.toMatchObject({ code: 'TOKEN.INVALID_CONNECTION' });
    await expect(store.put(connection('alice', 'sub', ''))).rejects.toMatchObject({ code: 'TOKEN.INVALID_CONNECTION' });
  });
});

describe('SqliteNonceStore', () => {
  let dir: string;
  let db: Database;
  let clock: number;
  let nonces: SqliteNonceStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
    db = openDatabase(path.join(dir, 'pecunia.sqlite'));
    clock = 1_000_000;
    nonces = new SqliteNonceStore(db, { now: () => clock });
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a nonce once, refuses its replay, and forgets it after it expires', async () => {
    expect(await nonces.use('n1', clock + 600_000)).toBe(true);
    expect(await nonces.use('n1', clock + 600_000)).toBe(false);
    expect(await nonces.use('n2', clock + 600_000)).toBe(true);

    clock += 600_001;
    expect(await nonces.use('n3', clock + 600_000)).toBe(true);
    expect(db.prepare('SELECT nonce FROM oauth_nonces ORDER BY nonce').pluck().all()).toEqual(['n3']);
  });

  it('refuses empty or oversized nonces', async () => {
    expect(await nonces.use('', clock + 1)).toBe(false);
    expect(await nonces.use('x'.repeat(257), clock + 1)).toBe(false);
  });
});
