// SQLite on a throwaway file for tests: a fresh temporary directory per database, removed with it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../adapters/local/sqlite-database';

export interface TempDatabase {
  /** The database file, for a test that opens it a second time (another connection, a restart). */
  file: string;
  db: Database;
  /** Closes `db` and deletes the directory; a connection the test opened itself is the test's to close. */
  close(): Promise<void>;
}

/** A migrated database in a new temporary directory. */
export function openTempDatabase(): TempDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
  const file = path.join(dir, 'pecunia.sqlite');
  const db = openDatabase(file);
  return {
    file,
    db,
    close: async () => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
