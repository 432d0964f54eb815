// API keys of local mode: random `pk_` keys of which SQLite keeps only the sha256, bound to one user each.
import { hash, randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { ValidationError } from '../../errors';
import type { ApiKeyRecord, ApiKeyStore } from '../../ports/api-key-store.port';
import type { Database } from './sqlite-database';

const PREFIX = 'pk_';
/** 32 random bytes in base64url without padding are exactly 43 characters. */
const KEY_SHAPE = /^pk_[A-Za-z0-9_-]{43}$/;
/** Characters of the key shown as its public id: enough to tell keys apart, far too few to guess the rest. */
const KEY_ID_LENGTH = 8;

export interface SqliteApiKeyStoreOptions {
  now?: () => number;
}

/** Hex sha256 of the key's UTF-8 bytes, in one call (no Hash object per request). */
const sha256 = (text: string): string => hash('sha256', text, 'hex');

export class SqliteApiKeyStore implements ApiKeyStore {
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;
  readonly name = 'sqlite';

  private readonly now: () => number;
  private readonly insertStatement: BetterSqlite3.Statement<[string, string, string, string]>;
  private readonly verifyStatement: BetterSqlite3.Statement<[string], string>;
  private readonly revokeStatement: BetterSqlite3.Statement<[string, string]>;
  private readonly countStatement: BetterSqlite3.Statement<[string], number>;
  private readonly everStatement: BetterSqlite3.Statement<[string], number>;

  constructor(db: Database, options: SqliteApiKeyStoreOptions = {}) {
    this.probeStatement = db.prepare<[], number>('SELECT 1 FROM api_keys LIMIT 1').pluck();
    this.now = options.now ?? Date.now;
    this.insertStatement = db.prepare(
      'INSERT INTO api_keys (key_hash, key_id, user_id, created_at) VALUES (?, ?, ?, ?)',
    );
    this.verifyStatement = db
      .prepare<[string], string>('SELECT user_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL')
      .pluck();
    this.revokeStatement = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL');
    this.countStatement = db
      .prepare<[string], number>('SELECT COUNT(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL')
      .pluck();
    this.everStatement = db.prepare<[string], number>('SELECT COUNT(*) FROM api_keys WHERE user_id = ?').pluck();
  }

  async create(userId: string): Promise<{ key: string; record: ApiKeyRecord }> {
    if (typeof userId !== 'string' || userId.trim().length === 0) {
      throw new ValidationError('API_KEY.INVALID_USER', 'An API key needs a non-empty user id.');
    }
    const key = PREFIX + randomBytes(32).toString('base64url');
    const record: ApiKeyRecord = {
      keyId: key.slice(PREFIX.length, PREFIX.length + KEY_ID_LENGTH),
      userId,
      createdAt: new Date(this.now()).toISOString(),
    };
    this.insertStatement.run(sha256(key), record.keyId, record.userId, record.createdAt);
    return { key, record };
  }

  async verify(key: string): Promise<string | null> {
    // Junk (wrong type, shape or length) is answered before hashing: it can never match a stored key anyway.
    if (typeof key !== 'string' || !KEY_SHAPE.test(key)) return null;
    return this.verifyStatement.get(sha256(key)) ?? null;
  }

  async revoke(userId: string): Promise<number> {
    return this.revokeStatement.run(new Date(this.now()).toISOString(), userId).changes;
  }

  async count(userId: string, options: { includeRevoked?: boolean } = {}): Promise<number> {
    return (options.includeRevoked ? this.everStatement : this.countStatement).get(userId) ?? 0;
  }

  async ready(): Promise<void> {
    this.probeStatement.get();
  }
}
