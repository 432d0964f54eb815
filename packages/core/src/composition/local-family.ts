// The local family: every state and store port on one SQLite file and a media folder under DATA_DIR.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../ports/logger.port';
import { failJobOfDeadLetter } from '../services/job-messages';

export function databaseFile(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'pecunia.sqlite');
}

/** Opens DATA_DIR's database (creating the folder, private to this user) and builds the adapters on it. */
export async function openLocalFamily(options: { dataDir: string; publicBaseUrl: () => string; maxReceiveCount: number; logger?: Logger }) {
  // Loaded here, not at the top: a process whose ports are all elsewhere never loads SQLite.
  const local = await import('../local');
  const root = path.resolve(options.dataDir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const db = local.openDatabase(databaseFile(options.dataDir));
  const jobs = new local.SqliteJobStore(db);
  return {
    journal: new local.SqliteJournal(db),
    media: new local.FsMediaStore({
      dir: path.join(root, 'media'),
      db,
      // Read when a link is made: the listening port may only be known after start.
      linkFor: (id) => `${options.publicBaseUrl().replace(/\/+$/, '')}/api/media/${id}`,
    }),
    apiKeys: new local.SqliteApiKeyStore(db),
    idempotency: new local.SqliteIdempotencyStore(db),
    tokens: new local.SqliteTokenStore(db),
    nonces: new local.SqliteNonceStore(db),
    schedules: new local.SqliteScheduleStore(db),
    jobs,
    // A job whose message is given up on is failed, not left `running` (the SQS dead-letter queue's job in AWS).
    queue: new local.SqliteJobQueue(db, { maxReceiveCount: options.maxReceiveCount, onDeadLetter: failJobOfDeadLetter(jobs, options.logger) }),
    LocalQueueWorker: local.LocalQueueWorker,
    close: () => db.close(),
  };
}

export type LocalFamily = Awaited<ReturnType<typeof openLocalFamily>>;
