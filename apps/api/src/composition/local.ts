// Local mode: every port served by an embedded adapter under DATA_DIR (one SQLite file, media files beside it).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { failJobOfDeadLetter } from '@pecunia/core';
import {
  FsMediaStore,
  openDatabase,
  RuleBasedExtractor,
  SqliteApiKeyStore,
  SqliteIdempotencyStore,
  SqliteJobQueue,
  SqliteJobStore,
  SqliteJournal,
  type Database,
} from '@pecunia/core/local';

export interface LocalAdapters {
  db: Database;
  journal: SqliteJournal;
  media: FsMediaStore;
  apiKeys: SqliteApiKeyStore;
  idempotency: SqliteIdempotencyStore;
  jobs: SqliteJobStore;
  queue: SqliteJobQueue;
  extractor: RuleBasedExtractor;
  close(): void;
}

export function databaseFile(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'pecunia.sqlite');
}

export function openLocalDatabase(dataDir: string): Database {
  mkdirSync(path.resolve(dataDir), { recursive: true, mode: 0o700 });
  return openDatabase(databaseFile(dataDir));
}

/** `publicBaseUrl` is read when a link is made: the listening port may only be known after start. */
export function buildLocalAdapters(options: { dataDir: string; publicBaseUrl: () => string }): LocalAdapters {
  const db = openLocalDatabase(options.dataDir);
  const jobs = new SqliteJobStore(db);
  return {
    db,
    journal: new SqliteJournal(db),
    media: new FsMediaStore({ dir: path.join(path.resolve(options.dataDir), 'media'), db, linkFor: (id) => `${options.publicBaseUrl().replace(/\/+$/, '')}/api/media/${id}` }),
    apiKeys: new SqliteApiKeyStore(db),
    idempotency: new SqliteIdempotencyStore(db),
    jobs,
    // A job whose message is given up on is failed, not left `running` (the SQS dead-letter queue's job in AWS).
    queue: new SqliteJobQueue(db, { onDeadLetter: failJobOfDeadLetter(jobs) }),
    extractor: new RuleBasedExtractor(),
    close: () => db.close(),
  };
}
