import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { isPecuniaError } from '../../errors';
import { migrate, openDatabase, schemaVersion, type Database } from './sqlite-database';
import { MIGRATIONS } from './sqlite-migrations';

describe('openDatabase', () => {
  let dir: string;
  const open: Database[] = [];
  const track = (db: Database): Database => (open.push(db), db);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
  });
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the parent directory and sets the pragmas', () => {
    const file = path.join(dir, 'nested', 'deeper', 'pecunia.sqlite');
    const db = track(openDatabase(file));
    expect(fs.existsSync(file)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('makes the database file and its -wal and -shm readable by this user only, even when they existed wider', () => {
    const file = path.join(dir, 'pecunia.sqlite');
    const mode = (name: string) => fs.statSync(name).mode & 0o777;
    const fresh = track(openDatabase(file));
    fresh.prepare("INSERT INTO api_keys (key_hash, key_id, user_id, created_at) VALUES ('h', 'k', 'u1', 't')").run();
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    // What an older version left behind (SQLite's default 0644).
    for (const name of [file, `${file}-wal`, `${file}-shm`]) fs.chmodSync(name, 0o644);

    track(openDatabase(file));

    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
  });

  it('creates every table of the local adapters at the latest version', () => {
    const db = track(openDatabase(path.join(dir, 'pecunia.sqlite')));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const tables = db
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(['api_keys', 'google_connections', 'idempotency_keys', 'jobs', 'journal_rows', 'media', 'oauth_nonces', 'queue_messages', 'share_links', 'weekly_schedules']);
  });

  it('does not migrate again when reopened, and keeps the data', () => {
    const file = path.join(dir, 'pecunia.sqlite');
    const first = track(openDatabase(file));
    first.prepare("INSERT INTO api_keys (key_hash, key_id, user_id, created_at) VALUES ('h', 'k', 'u1', 't')").run();
    first.close();
    const second = track(openDatabase(file));
    expect(migrate(second, MIGRATIONS)).toBe(0);
    expect(second.prepare('SELECT COUNT(*) FROM api_keys').pluck().get()).toBe(1);
  });

  it('applies each migration in its own transaction: a failing one leaves the previous version intact', () => {
    const db = track(new BetterSqlite3(path.join(dir, 'raw.sqlite')));
    const migrations = ['CREATE TABLE a (x)', 'CREATE TABLE b (x); CREATE TABLE a (x)'];
    expect(() => migrate(db, migrations)).toThrow(/already exists/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
    expect(migrate(db, ['CREATE TABLE a (x)', 'CREATE TABLE b (x)'])).toBe(1);
    expect(schemaVersion(db)).toBe(2);
  });

  it('refuses a database written by a newer schema', () => {
    const file = path.join(dir, 'pecunia.sqlite');
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    let caught: unknown;
    try {
      track(openDatabase(file));
    } catch (error) {
      caught = error;
    }
    expect(isPecuniaError(caught) && caught.code).toBe('LOCAL_DB.SCHEMA_TOO_NEW');
  });
});
