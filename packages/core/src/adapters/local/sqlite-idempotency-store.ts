// Idempotency store of local mode: per-owner Idempotency-Key claims (leased) and the responses they produced, kept 24 hours.
import type BetterSqlite3 from 'better-sqlite3';
import { ValidationError } from '../../errors';
import { DEFAULT_IDEMPOTENCY_LEASE_MS, type IdempotencyClaim, type IdempotencyStore, type StoredResponse } from '../../ports/idempotency-store.port';
import type { Database } from './sqlite-database';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface SqliteIdempotencyStoreOptions {
  now?: () => number;
  /** How long a response (or an unknown outcome) is remembered. */
  ttlMs?: number;
  /** How long an in-progress claim holds its key before a retry may take it over. */
  leaseMs?: number;
}

interface CompleteParams {
  owner: string;
  key: string;
  fingerprint: string;
  status: number;
  body: string | null;
  headers: string | null;
  createdAt: string;
  expiresAt: number;
}

interface AbandonParams {
  owner: string;
  key: string;
  fingerprint: string;
  createdAt: string;
  expiresAt: number;
}

interface ClaimRow {
  fingerprint: string;
  state: 'in_progress' | 'done' | 'outcome_unknown';
  response_status: number | null;
  response_body: string | null;
  response_headers: string | null;
}

export class SqliteIdempotencyStore implements IdempotencyStore {
  readonly name = 'sqlite';
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly leaseMs: number;
  private readonly dropExpiredStatement: BetterSqlite3.Statement<[string, string, number]>;
  private readonly insertStatement: BetterSqlite3.Statement<[string, string, string, string, number]>;
  private readonly selectStatement: BetterSqlite3.Statement<[string, string], ClaimRow>;
  private readonly completeStatement: BetterSqlite3.Statement<[CompleteParams]>;
  private readonly abandonStatement: BetterSqlite3.Statement<[AbandonParams]>;
  private readonly releaseStatement: BetterSqlite3.Statement<[string, string]>;
  private readonly purgeStatement: BetterSqlite3.Statement<[number]>;
  private readonly claimTransaction: BetterSqlite3.Transaction<(owner: string, key: string, fingerprint: string) => IdempotencyClaim>;

  constructor(db: Database, options: SqliteIdempotencyStoreOptions = {}) {
    this.probeStatement = db.prepare<[], number>('SELECT 1 FROM idempotency_keys LIMIT 1').pluck();
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
    this.leaseMs = options.leaseMs ?? DEFAULT_IDEMPOTENCY_LEASE_MS;
    this.dropExpiredStatement = db.prepare('DELETE FROM idempotency_keys WHERE owner = ? AND key = ? AND expires_at <= ?');
    this.insertStatement = db.prepare(
      `INSERT INTO idempotency_keys (owner, key, fingerprint, state, created_at, expires_at)
       VALUES (?, ?, ?, 'in_progress', ?, ?)
       ON CONFLICT (owner, key) DO NOTHING`,
    );
    this.selectStatement = db.prepare(
      'SELECT fingerprint, state, response_status, response_body, response_headers FROM idempotency_keys WHERE owner = ? AND key = ?',
    );
    // An upsert so that a response is kept even if its claim expired (or was never taken) while the request ran. The
    // response is remembered for the TTL from now: the claim's expiry was only its lease.
    this.completeStatement = db.prepare(
      `INSERT INTO idempotency_keys (owner, key, fingerprint, state, response_status, response_body, response_headers, created_at, expires_at)
       VALUES (@owner, @key, @fingerprint, 'done', @status, @body, @headers, @createdAt, @expiresAt)
       ON CONFLICT (owner, key) DO UPDATE SET
         fingerprint = excluded.fingerprint,
         state = 'done',
         response_status = excluded.response_status,
         response_body = excluded.response_body,
         response_headers = excluded.response_headers,
         expires_at = excluded.expires_at`,
    );
    // A stored response is never downgraded to unknown.
    this.abandonStatement = db.prepare(
      `INSERT INTO idempotency_keys (owner, key, fingerprint, state, created_at, expires_at)
       VALUES (@owner, @key, @fingerprint, 'outcome_unknown', @createdAt, @expiresAt)
       ON CONFLICT (owner, key) DO UPDATE SET
         fingerprint = excluded.fingerprint,
         state = 'outcome_unknown',
         expires_at = excluded.expires_at
       WHERE idempotency_keys.state != 'done'`,
    );
    this.releaseStatement = db.prepare("DELETE FROM idempotency_keys WHERE owner = ? AND key = ? AND state = 'in_progress'");
    this.purgeStatement = db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?');
    this.claimTransaction = db.transaction((owner: string, key: string, fingerprint: string): IdempotencyClaim => {
      const now = this.now();
      // An expired entry (a response past its TTL, a claim past its lease) is treated as absent: dropped here, then
      // replaced by the insert below.
      this.dropExpiredStatement.run(owner, key, now);
      const inserted = this.insertStatement.run(owner, key, fingerprint, new Date(now).toISOString(), now + this.leaseMs);
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
      headers: response.headers && Object.keys(response.headers).length > 0 ? JSON.stringify(response.headers) : null,
      createdAt: new Date(now).toISOString(),
      expiresAt: now + this.ttlMs,
    });
  }

  async abandon(owner: string, key: string, fingerprint: string): Promise<void> {
    assertText('owner', owner);
    assertText('key', key);
    assertText('fingerprint', fingerprint);
    const now = this.now();
    this.abandonStatement.run({ owner, key, fingerprint, createdAt: new Date(now).toISOString(), expiresAt: now + this.ttlMs });
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
  if (row.state === 'outcome_unknown') return { state: 'outcome_unknown', fingerprint: row.fingerprint };
  return {
    state: 'done',
    response: {
      status: row.response_status ?? 0,
      body: row.response_body === null ? undefined : (JSON.parse(row.response_body) as unknown),
      fingerprint: row.fingerprint,
      ...(row.response_headers === null ? {} : { headers: JSON.parse(row.response_headers) as Record<string, string> }),
    },
  };
}
