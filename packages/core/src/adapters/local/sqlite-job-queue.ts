// Job queue of local mode: a durable SQLite queue with SQS semantics (visibility timeout, receipts, dead letters).
import { randomBytes, randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { ValidationError } from '../../errors';
import { DEFAULT_MAX_RECEIVE_COUNT, type AnalysisJobMessage, type JobQueue } from '../../ports/job-queue.port';
import type { Database } from './sqlite-database';

/** SQS limits, kept so that a worker tuned locally behaves the same against SQS. */
export const MAX_RECEIVE_BATCH = 10;
export const MAX_VISIBILITY_TIMEOUT_MS = 12 * 60 * 60 * 1000;
export const DEFAULT_VISIBILITY_TIMEOUT_MS = 30_000;

export interface SqliteJobQueueOptions {
  /** Receives allowed per message; the next one moves it to the dead letters instead (SQS redrive policy). */
  maxReceiveCount?: number;
  now?: () => number;
  /**
   * Runs inside the transaction that dead-letters each message, synchronously: what it writes (the job failed) commits
   * together with the move or not at all, so no crash leaves a job running whose message is gone. It must write to
   * this queue's database only.
   */
  inDeadLetterTransaction?: (message: DeadLetteredMessage) => void;
  /**
   * Told of each message as it is dead-lettered, after the move is committed. SQS has a dead-letter queue for this;
   * locally the owner of the queue learns it here (to log it, or to fail a job stored elsewhere).
   */
  onDeadLetter?: (message: DeadLetteredMessage) => void | Promise<void>;
}

export interface DeadLetteredMessage {
  messageId: string;
  body: string;
  receiveCount: number;
}

export interface ReceiveOptions {
  /** Messages wanted, 1..10 (default 1). */
  max?: number;
  /** How long received messages stay hidden from other receivers (default 30 s, at most 12 h). */
  visibilityTimeoutMs?: number;
}

export interface ReceivedMessage {
  messageId: string;
  /** Valid until the message is received again: only the latest receipt may delete or extend it. */
  receiptHandle: string;
  body: string;
  /** Times this message has been received, this one included. */
  receiveCount: number;
  sentAt: string;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: string;
  deadLetteredAt: string;
}

export interface QueueStats {
  visible: number;
  inFlight: number;
  deadLetter: number;
}

interface CandidateRow {
  seq: number;
  message_id: string;
  body: string;
  sent_at: number;
  receive_count: number;
}

interface DeadLetterRow {
  message_id: string;
  body: string;
  receive_count: number;
  sent_at: number;
  dead_lettered_at: number;
}

interface StatsRow {
  visible: number | null;
  in_flight: number | null;
  dead_letter: number | null;
}

export class SqliteJobQueue implements JobQueue {
  readonly name = 'sqlite-queue';

  private readonly now: () => number;
  private readonly maxReceiveCount: number;
  private readonly insertStatement: BetterSqlite3.Statement<[string, string, number, number]>;
  private readonly candidatesStatement: BetterSqlite3.Statement<[{ now: number; seen: string; limit: number }], CandidateRow>;
  private readonly hideStatement: BetterSqlite3.Statement<[number, string, number]>;
  private readonly deadLetterStatement: BetterSqlite3.Statement<[number, number]>;
  private readonly deleteStatement: BetterSqlite3.Statement<[string]>;
  private readonly visibilityStatement: BetterSqlite3.Statement<[number, string]>;
  private readonly deadLettersStatement: BetterSqlite3.Statement<[], DeadLetterRow>;
  private readonly statsStatement: BetterSqlite3.Statement<[number, number], StatsRow>;
  private readonly redriveStatement: BetterSqlite3.Statement<[number]>;
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;
  private readonly onDeadLetter: SqliteJobQueueOptions['onDeadLetter'];
  private readonly inDeadLetterTransaction: SqliteJobQueueOptions['inDeadLetterTransaction'];
  private readonly pendingStatement: BetterSqlite3.Statement<[], string | null>;
  private readonly releaseStatement: BetterSqlite3.Statement<[number, number]>;
  private readonly receiveTransaction: BetterSqlite3.Transaction<
    (max: number, visibilityTimeoutMs: number) => { received: ReceivedMessage[]; deadLettered: DeadLetteredMessage[] }
  >;

  private readonly sentListeners = new Set<() => void>();

  constructor(db: Database, options: SqliteJobQueueOptions = {}) {
    const maxReceiveCount = options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
      throw new ValidationError('QUEUE.INVALID_MAX_RECEIVE_COUNT', 'maxReceiveCount must be a positive integer.', {
        maxReceiveCount,
      });
    }
    this.maxReceiveCount = maxReceiveCount;
    this.now = options.now ?? Date.now;
    this.onDeadLetter = options.onDeadLetter;
    this.inDeadLetterTransaction = options.inDeadLetterTransaction;
    // A body that is not JSON (a poison message) names no job: json_extract would raise on it, so it is skipped.
    this.pendingStatement = db
      .prepare<[], string | null>(
        "SELECT DISTINCT CASE WHEN json_valid(body) THEN json_extract(body, '$.job_id') END FROM queue_messages WHERE dead_lettered_at IS NULL",
      )
      .pluck();
    this.releaseStatement = db.prepare(
      'UPDATE queue_messages SET visible_at = ?, receipt_handle = NULL WHERE dead_lettered_at IS NULL AND visible_at > ?',
    );

    this.insertStatement = db.prepare(
      'INSERT INTO queue_messages (message_id, body, sent_at, visible_at) VALUES (?, ?, ?, ?)',
    );
    // Fair between users: each visible message is ranked by how many messages its user has in flight plus how many of
    // that user's visible messages come before it, so the users take turns (round-robin, busiest last) and one user's
    // thousand queued jobs never starve another's one. Within a user, and between equal ranks, seq (commit order, not
    // sent_at: the clocks of several processes need not agree) keeps it first in, first out. A body that is not JSON
    // (a poison message) has no user; those share one turn.
    this.candidatesStatement = db.prepare(
      `WITH visible AS (
         SELECT seq, message_id, body, sent_at, receive_count,
                CASE WHEN json_valid(body) THEN json_extract(body, '$.user_id') END AS user_id
         FROM queue_messages
         WHERE dead_lettered_at IS NULL AND visible_at <= @now
           AND seq NOT IN (SELECT value FROM json_each(@seen))
       ),
       busy AS (
         SELECT CASE WHEN json_valid(body) THEN json_extract(body, '$.user_id') END AS user_id, COUNT(*) AS in_flight
         FROM queue_messages
         WHERE dead_lettered_at IS NULL AND (visible_at > @now OR seq IN (SELECT value FROM json_each(@seen)))
         GROUP BY 1
       ),
       ranked AS (
         SELECT v.*, ROW_NUMBER() OVER (PARTITION BY v.user_id ORDER BY v.seq) - 1 + COALESCE(b.in_flight, 0) AS turn
         FROM visible v LEFT JOIN busy b ON b.user_id IS v.user_id
       )
       SELECT seq, message_id, body, sent_at, receive_count FROM ranked
       ORDER BY turn, seq LIMIT @limit`,
    );
    this.hideStatement = db.prepare(
      'UPDATE queue_messages SET visible_at = ?, receipt_handle = ?, receive_count = receive_count + 1 WHERE seq = ?',
    );
    this.deadLetterStatement = db.prepare(
      'UPDATE queue_messages SET dead_lettered_at = ?, receipt_handle = NULL WHERE seq = ?',
    );
    this.deleteStatement = db.prepare(
      'DELETE FROM queue_messages WHERE receipt_handle = ? AND dead_lettered_at IS NULL',
    );
    this.visibilityStatement = db.prepare(
      'UPDATE queue_messages SET visible_at = ? WHERE receipt_handle = ? AND dead_lettered_at IS NULL',
    );
    this.deadLettersStatement = db.prepare(
      `SELECT message_id, body, receive_count, sent_at, dead_lettered_at FROM queue_messages
       WHERE dead_lettered_at IS NOT NULL ORDER BY seq`,
    );
    this.statsStatement = db.prepare(
      `SELECT
         SUM(CASE WHEN dead_lettered_at IS NULL AND visible_at <= ? THEN 1 ELSE 0 END) AS visible,
         SUM(CASE WHEN dead_lettered_at IS NULL AND visible_at > ? THEN 1 ELSE 0 END) AS in_flight,
         SUM(CASE WHEN dead_lettered_at IS NOT NULL THEN 1 ELSE 0 END) AS dead_letter
       FROM queue_messages`,
    );
    // Back as fresh messages: a redriven message gets the full maxReceiveCount again, as with an SQS redrive.
    this.redriveStatement = db.prepare(
      `UPDATE queue_messages SET dead_lettered_at = NULL, receive_count = 0, visible_at = ?, receipt_handle = NULL
       WHERE dead_lettered_at IS NOT NULL`,
    );
    this.probeStatement = db.prepare<[], number>('SELECT 1').pluck();
    this.receiveTransaction = db.transaction((max: number, visibilityTimeoutMs: number) =>
      this.pick(max, visibilityTimeoutMs),
    );
  }

  async enqueue(message: AnalysisJobMessage): Promise<{ messageId: string }> {
    const sent = this.send(message);
    this.notifySent();
    return sent;
  }

  /**
   * Calls `listener` after each message is queued (for a transaction, once it has committed: see `notifySent`), so a
   * worker in this process can start at once instead of at its next poll. Returns the unsubscribe.
   */
  onSent(listener: () => void): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  /** Tells the listeners a message is waiting; a transaction that used `send` calls this after it commits. */
  notifySent(): void {
    for (const listener of this.sentListeners) listener();
  }

  /** `enqueue`, synchronously: for a transaction that queues the message together with its job. */
  send(message: AnalysisJobMessage): { messageId: string } {
    if (typeof message?.job_id !== 'string' || typeof message.user_id !== 'string') {
      throw new ValidationError('QUEUE.INVALID_MESSAGE', 'A job message needs a job_id and a user_id.');
    }
    const messageId = randomUUID();
    const now = this.now();
    this.insertStatement.run(messageId, JSON.stringify(message), now, now);
    return { messageId };
  }

  /**
   * Takes up to `max` visible messages, oldest first, and hides them for the visibility timeout. Each receive
   * issues a new receipt handle. A message already received `maxReceiveCount` times is dead-lettered instead.
   */
  async receive(options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const max = options.max ?? 1;
    const visibilityTimeoutMs = options.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS;
    if (!Number.isInteger(max) || max < 1 || max > MAX_RECEIVE_BATCH) {
      throw new ValidationError('QUEUE.INVALID_MAX', `max must be an integer from 1 to ${MAX_RECEIVE_BATCH}.`, { max });
    }
    assertVisibilityTimeout(visibilityTimeoutMs);
    // IMMEDIATE: the write lock is taken before choosing, so two receivers (even two processes) never pick the same message.
    const { received, deadLettered } = this.receiveTransaction.immediate(max, visibilityTimeoutMs);
    // Told only once the move is committed.
    for (const message of deadLettered) await this.onDeadLetter?.(message);
    return received;
  }

  async pendingJobIds(): Promise<ReadonlySet<string>> {
    return new Set(this.pendingStatement.all().filter((id): id is string => typeof id === 'string'));
  }

  /** Deletes a message by its latest receipt; false for a stale, unknown or dead-lettered receipt. */
  async delete(receiptHandle: string): Promise<boolean> {
    if (typeof receiptHandle !== 'string') return false;
    return this.deleteStatement.run(receiptHandle).changes > 0;
  }

  /** Hides a received message for `timeoutMs` from now (0 makes it visible again); false for a stale receipt. */
  async changeVisibility(receiptHandle: string, timeoutMs: number): Promise<boolean> {
    assertVisibilityTimeout(timeoutMs);
    if (typeof receiptHandle !== 'string') return false;
    return this.visibilityStatement.run(this.now() + timeoutMs, receiptHandle).changes > 0;
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return this.deadLettersStatement.all().map((row) => ({
      messageId: row.message_id,
      body: row.body,
      receiveCount: row.receive_count,
      sentAt: new Date(row.sent_at).toISOString(),
      deadLetteredAt: new Date(row.dead_lettered_at).toISOString(),
    }));
  }

  async stats(): Promise<QueueStats> {
    const now = this.now();
    const row = this.statsStatement.get(now, now);
    return { visible: row?.visible ?? 0, inFlight: row?.in_flight ?? 0, deadLetter: row?.dead_letter ?? 0 };
  }

  /**
   * Makes every in-flight message visible now and voids its receipt. For a worker that starts after a crash of the
   * only worker on this queue: its messages need not wait out their visibility timeout. Returns how many.
   */
  async releaseInFlight(): Promise<number> {
    const now = this.now();
    return this.releaseStatement.run(now, now).changes;
  }

  /** Moves every dead letter back to the queue, visible at once; returns how many moved. */
  async redrive(): Promise<number> {
    return this.redriveStatement.run(this.now()).changes;
  }

  async ready(): Promise<void> {
    this.probeStatement.get();
  }

  private pick(max: number, visibilityTimeoutMs: number): { received: ReceivedMessage[]; deadLettered: DeadLetteredMessage[] } {
    const now = this.now();
    const received: ReceivedMessage[] = [];
    const deadLettered: DeadLetteredMessage[] = [];
    // Messages looked at in this receive are left out of the next query (with a zero timeout a picked message stays
    // visible) and count as in flight for their user, so a batch takes turns between users too.
    const seen: number[] = [];
    while (received.length < max) {
      const candidates = this.candidatesStatement.all({ now, seen: JSON.stringify(seen), limit: max - received.length });
      if (candidates.length === 0) break;
      for (const candidate of candidates) {
        seen.push(candidate.seq);
        if (candidate.receive_count >= this.maxReceiveCount) {
          this.deadLetterStatement.run(now, candidate.seq);
          const dead = { messageId: candidate.message_id, body: candidate.body, receiveCount: candidate.receive_count };
          this.inDeadLetterTransaction?.(dead);
          deadLettered.push(dead);
          continue;
        }
        const receiptHandle = randomBytes(24).toString('base64url');
        this.hideStatement.run(now + visibilityTimeoutMs, receiptHandle, candidate.seq);
        received.push({
          messageId: candidate.message_id,
          receiptHandle,
          body: candidate.body,
          receiveCount: candidate.receive_count + 1,
          sentAt: new Date(candidate.sent_at).toISOString(),
        });
      }
    }
    return { received, deadLettered };
  }
}

function assertVisibilityTimeout(timeoutMs: number): void {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_VISIBILITY_TIMEOUT_MS) {
    throw new ValidationError(
      'QUEUE.INVALID_VISIBILITY_TIMEOUT',
      `The visibility timeout must be an integer number of milliseconds from 0 to ${MAX_VISIBILITY_TIMEOUT_MS}.`,
      { timeoutMs },
    );
  }
}
