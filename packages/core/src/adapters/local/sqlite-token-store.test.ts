import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from './sqlite-database';
import { SqliteTokenStore } from './sqlite-token-store';

describe('SqliteTokenStore', () => {
  let dir: string;
  let file: string;
  let db: Database;
  let store: SqliteTokenStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
    file = path.join(dir, 'pecunia.sqlite');
    db = openDatabase(file);
    store = new SqliteTokenStore(db);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts, replaces, gets and deletes ciphertext per user', async () => {
    expect(store.name).toBe('sqlite');
    expect(await store.get('alice')).toBeNull();
    await store.put('alice', 'v1:cipher-a');
    await store.put('bob', 'v1:cipher-b');
    await store.put('alice', 'v1:cipher-a2');
    expect(await store.get('alice')).toBe('v1:cipher-a2');
    expect(await store.get('bob')).toBe('v1:cipher-b');
    await store.delete('alice');
    await store.delete('alice');
    expect(await store.get('alice')).toBeNull();
    expect(await store.get('bob')).toBe('v1:cipher-b');
  });

  it('keeps tokens across reopening the database', async () => {
    await store.put('alice', 'cipher');
    db.close();
    db = openDatabase(file);
    expect(await new SqliteTokenStore(db).get('alice')).toBe('cipher');
  });

  it('refuses an empty user id or a non-string ciphertext', async () => {
    await expect(store.put('', 'c')).rejects.toMatchObject({ code: 'TOKEN.INVALID_USER' });
    await expect(store.put('alice', { token: 'plain' } as unknown as string)).rejects.toMatchObject({
      code: 'TOKEN.INVALID_CIPHERTEXT',
    });
  });
});
