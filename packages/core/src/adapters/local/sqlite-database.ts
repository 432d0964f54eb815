// Opens the one SQLite file of local mode (`$DATA_DIR/pecunia.sqlite`) and brings its schema up to date.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { PecuniaError } from '../../errors';
import { MIGRATIONS } from './sqlite-migrations';

export type Database = BetterSqlite3.Database;

/** Milliseconds a writer waits for another connection's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/** The file and the folders holding traders' data are readable by this user only, whatever the umask. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Opens (creating it and its directory when missing) the database file and runs pending migrations.
 * `:memory:` is accepted for throwaway databases.
 */
export function openDatabase(file: string, migrations: readonly string[] = MIGRATIONS): Database {
  if (file !== ':memory:') preparePrivateFile(file);
  const db = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    // busy_timeout first: switching to WAL needs a lock another process may be holding.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    // SQLite gives -wal and -shm the main file's mode; files left by an older version may be wider, so set it anyway.
    if (file !== ':memory:') for (const suffix of ['-wal', '-shm']) chmodIfPresent(`${file}${suffix}`, PRIVATE_FILE_MODE);
    // NORMAL is durable across application crashes in WAL mode; only a power loss may drop the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Creates the database file 0600 before SQLite does (SQLite would create it 0644 less the umask), and narrows an
 * existing one: the journal, API key hashes and encrypted tokens are this user's alone. The parent folder is created
 * 0700 when missing; an existing one is the operator's choice and left as it is.
 */
function preparePrivateFile(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    fs.closeSync(fs.openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  fs.chmodSync(file, PRIVATE_FILE_MODE);
}

function chmodIfPresent(file: string, mode: number): void {
  try {
    fs.chmodSync(file, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Current schema version (the `user_version` pragma). */
export function schemaVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/**
 * Applies `migrations[v]` for every version v from the stored `user_version` on, each in its own transaction
 * together with the version bump, so a failed migration leaves the previous version intact.
 * Returns the number of migrations applied.
 */
export function migrate(db: Database, migrations: readonly string[]): number {
  const initial = schemaVersion(db);
  if (initial > migrations.length) {
    throw new PecuniaError(
      'LOCAL_DB.SCHEMA_TOO_NEW',
      `The database schema (version ${initial}) is newer than this program knows (version ${migrations.length}).`,
      { status: 500, details: { version: initial, known: migrations.length } },
    );
  }
  let applied = 0;
  for (let target = initial + 1; target <= migrations.length; target++) {
    const step = db.transaction(() => {
      // Re-read inside the write lock: another process opening the same file may have migrated meanwhile.
      if (schemaVersion(db) >= target) return false;
      db.exec(migrations[target - 1] ?? '');
      db.pragma(`user_version = ${target}`);
      return true;
    });
    if (step.immediate()) applied++;
  }
  return applied;
}
