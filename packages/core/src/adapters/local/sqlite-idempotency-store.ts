// Idempotency store of local mode: per-owner Idempotency-Key claims and the responses they produced, kept 24 hours.
import type BetterSqlite3 from 'better-sqlite3';
import { ValidationError } from '../../errors';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.port';
import type { Database } from './sqlite-database';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface SqliteIdempotencyStoreOptions {
  now?: () => number;
  /** How long a claim and its response are remembered. */
  ttlMs?: number;
}

interface CompleteParams {
  owner: string;
  key: string;
  fingerprint: string;
  status: number;
  body: string | null;
  createdAt: string;
  expiresAt: number;
  now: number;
}

interface ClaimRow {
  fingerprint: string;
  state: 'in_progress' | 'done';
  response_status: number | null;
  response_body: string | null;
}

export class SqliteIdempotencyStore implements IdempotencyStore {
  readonly name = 'sqlite';
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly dropExpiredStatement: BetterSqlite3.Statement<[string, string, number]>;
  private readonly insertStatement: BetterSqlite3.Statement<[string, string, string, string, number]>;
  private readonly selectStatement: BetterSqlite3.Statement<[string, string], ClaimRow>;
  private readonly completeStatement: BetterSqlite3.Statement<[CompleteParams]>;
  private readonly releaseStatement: BetterSqlite3.Statement<[string, string]>;
  private readonly purgeStatement: BetterSqlite3.Statement<[number]>;
  private readonly claimTransaction: BetterSqlite3.Transaction<(owner: string, key: string, fingerprint: string) => IdempotencyClaim>;

  constructor(db: Database, options: SqliteIdempotencyStoreOptions = {}) {
    this.probeStatement = db.prepare<[], number>('SELECT 1 FROM idempotency_keys LIMIT 1').pluck();
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
    this.dropExpiredStatement = db.prepare('DELETE FROM idempotency_keys WHERE owner = ? AND key = ? AND expires_at <= ?');
    this.insertStatement = db.prepare(
      `INSERT INTO idempotency_keys (owner, key, fingerprint, state, created_at, expires_at)
       VALUES (?, ?, ?, 'in_progress', ?, ?)
       ON CONFLICT (owner, key) DO NOTHING`,
    );
    this.selectStatement = db.prepare(
      'SELECT fingerprint, state, response_status, response_body FROM idempotency_keys WHERE owner = ? AND key = ?',
    );
    // An upsert so that a response is kept even if its claim expired (or was never taken) while the request ran.
    this.completeStatement = db.prepare(
      `INSERT INTO idempotency_keys (owner, key, fingerprint, state, response_status, response_body, created_at, expires_at)
       VALUES (@owner, @key, @fingerprint, 'done', @status, @body, @createdAt, @expiresAt)
       ON CONFLICT (owner, key) DO UPDATE SET
         fingerprint = excluded.fingerprint,
         state = 'done',
         response_status = excluded.response_status,
         response_body = excluded.response_body,
         expires_at = CASE WHEN idempotency_keys.expires_at <= @now THEN excluded.expires_at ELSE idempotency_keys.expires_at END`,
    );
    this.releaseStatement = db.prepare("DELETE FROM idempotency_keys WHERE owner = ? AND key = ? AND state = 'in_progress'");
    this.purgeStatement = db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?');
    this.claimTransaction = db.transaction((owner: string, key: string, fingerprint: string): IdempotencyClaim => {
      const now = this.now();
      // An expired entry is treated as absent: dropped here, then replaced by the insert below.
      this.dropExpiredStatement.run(owner, key, now);
      const inserted = this.insertStatement.run(owner, key, fingerprint, new Date(now).toISOString(), now + this.ttlMs);
      if (inserted.changes === 1) return { state: 'new' };
      const row = this.selectStatement.get(owner, key);
      if (!row) throw new Error('Idempotency claim vanished inside its own transaction.');
      return toClaim(row);
    });
  }

  async claim(owner: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    assertText('owner', owner);
    assertText('key', key);
    assertText('fingerprint', fingerprint);
    // IMMEDIATE: the write lock is held from the expiry check to the read, so two processes cannot both get 'new'.
    return this.claimTransaction.immediate(owner, key, fingerprint);
  }

  async complete(owner: string, key: string, response: StoredResponse): Promise<void> {
    assertText('owner', owner);
    assertText('key', key);
    assertText('fingerprint', response.fingerprint);
    if (!Number.isInteger(response.status) || response.status < 100 || response.status > 599) {
      throw new ValidationError('IDEMPOTENCY.INVALID_STATUS', 'A stored response needs an HTTP status (100–599).', {
        status: response.status,
      });
    }
    const now = this.now();
    // JSON.stringify(undefined) is undefined: stored as NULL and read back as undefined.
    const body = JSON.stringify(response.body) ?? null;
    this.completeStatement.run({
      owner,
      key,
      fingerprint: response.fingerprint,
      status: response.status,
      body,
      createdAt: new Date(now).toISOString(),
      expiresAt: now + this.ttlMs,
      now,
    });
  }

  async release(owner: string, key: string): Promise<void> {
    this.releaseStatement.run(owner, key);
  }

  /** Deletes every expired entry (claims treat them as absent anyway); returns how many were deleted. */
  async purgeExpired(): Promise<number> {
    return this.purgeStatement.run(this.now()).changes;
  }

  async ready(): Promise<void> {
    this.probeStatement.get();
  }
}

function assertText(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError('IDEMPOTENCY.INVALID_INPUT', `The idempotency ${field} must be a non-empty string.`, {
      field,
    });
  }
}

function toClaim(row: ClaimRow): IdempotencyClaim {
  if (row.state === 'in_progress') return { state: 'in_progress' };
  return {
    state: 'done',
    response: {
      status: row.response_status ?? 0,
      body: row.response_body === null ? undefined : (JSON.parse(row.response_body) as unknown),
      fingerprint: row.fingerprint,
    },
  };
}
