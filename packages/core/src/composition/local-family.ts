// The local family: every state and store port on one SQLite file and a media folder under DATA_DIR.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SqliteJobStore } from '../adapters/local/sqlite-job-store';
import type { DeadLetteredMessage } from '../adapters/local/sqlite-job-queue';
import type { JobStore } from '../ports/job-store.port';
import type { Logger } from '../ports/logger.port';
import { abandonedJobError, failJobOfDeadLetter, parseJobMessage } from '../services/job-messages';

export function databaseFile(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'pecunia.sqlite');
}

export interface LocalFamilyOptions {
  dataDir: string;
  publicBaseUrl: () => string;
  maxReceiveCount: number;
  idempotencyLeaseMs?: number;
  /** The job store when jobs are not kept here (DynamoDB beside the local queue): dead letters fail jobs there. */
  remoteJobs?: JobStore;
  logger?: Logger;
}

/** Opens DATA_DIR's database (creating the folder, private to this user) and builds the adapters on it. */
export async function openLocalFamily(options: LocalFamilyOptions) {
  // Loaded here, not at the top: a process whose ports are all elsewhere never loads SQLite.
  const local = await import('../local');
  const root = path.resolve(options.dataDir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const db = local.openDatabase(databaseFile(options.dataDir));
  const jobs = new local.SqliteJobStore(db);
  const log = options.logger;
  // A job whose message is given up on is failed, not left `running` (the SQS dead-letter queue's job in AWS): in the
  // transaction that moves the message when the job is in this database, so no crash in between leaves it running.
  const queue = new local.SqliteJobQueue(
    db,
    options.remoteJobs
      ? { maxReceiveCount: options.maxReceiveCount, onDeadLetter: failJobOfDeadLetter(options.remoteJobs, log) }
      : {
          maxReceiveCount: options.maxReceiveCount,
          inDeadLetterTransaction: (message) => failJobInTransaction(jobs, message),
          onDeadLetter: (message) => log?.error('job message dead-lettered after repeated failed deliveries; its job is failed', { message_id: message.messageId, receive_count: message.receiveCount }),
        },
  );
  return {
    journal: new local.SqliteJournal(db),
    media: new local.FsMediaStore({
      dir: path.join(root, 'media'),
      db,
      // Read when a link is made: the listening port may only be known after start.
      linkFor: (id) => `${options.publicBaseUrl().replace(/\/+$/, '')}/api/media/${id}`,
    }),
    apiKeys: new local.SqliteApiKeyStore(db),
    idempotency: new local.SqliteIdempotencyStore(db, { leaseMs: options.idempotencyLeaseMs }),
    tokens: new local.SqliteTokenStore(db),
    nonces: new local.SqliteNonceStore(db),
    schedules: new local.SqliteScheduleStore(db),
    shareLinks: new local.SqliteShareLinkStore(db),
    jobs,
    queue,
    // A new job and its message in one transaction; only where both are in this database.
    ...(options.remoteJobs ? {} : { jobIntake: new local.SqliteJobIntake(db, jobs, queue) }),
    LocalQueueWorker: local.LocalQueueWorker,
    close: () => db.close(),
  };
}

export type LocalFamily = Awaited<ReturnType<typeof openLocalFamily>>;

/** The dead-lettered message's job failed as `ANALYSIS.ABANDONED`, synchronously, inside the move's transaction. */
function failJobInTransaction(jobs: SqliteJobStore, message: DeadLetteredMessage): void {
  let parsed;
  try {
    parsed = parseJobMessage(message);
  } catch {
    return; // Not a job message: nothing to fail.
  }
  jobs.failIfUnfinished(parsed.job_id, parsed.user_id, abandonedJobError(message.receiveCount));
}
