// Subpath `@pecunia/core/local`: the embedded adapters (SQLite, files, rule-based extractor and coach, queue poller).
export { openDatabase, migrate, schemaVersion } from './adapters/local/sqlite-database';
export type { Database } from './adapters/local/sqlite-database';
export { SqliteJournal } from './adapters/local/sqlite-journal';
export { FsMediaStore } from './adapters/local/fs-media-store';
export type { FsMediaStoreOptions } from './adapters/local/fs-media-store';
export { SqliteApiKeyStore } from './adapters/local/sqlite-api-key-store';
export { SqliteIdempotencyStore } from './adapters/local/sqlite-idempotency-store';
export { SqliteJobStore } from './adapters/local/sqlite-job-store';
export { SqliteJobQueue } from './adapters/local/sqlite-job-queue';
export type { ReceivedMessage, ReceiveOptions, DeadLetter, DeadLetteredMessage, QueueStats, SqliteJobQueueOptions } from './adapters/local/sqlite-job-queue';
export { SqliteTokenStore } from './adapters/local/sqlite-token-store';
export { SqliteNonceStore } from './adapters/local/sqlite-nonce-store';
export { RuleBasedExtractor } from './adapters/local/rule-based-extractor';
export { LocalCoach, writeLocalReport, noTradesReport } from './adapters/local/local-coach';
export { LocalQueueWorker } from './adapters/local/local-queue-worker';
export type { LocalQueueWorkerOptions, RunOnceResult } from './adapters/local/local-queue-worker';
