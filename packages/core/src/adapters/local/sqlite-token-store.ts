// Token store of local mode: each user's OAuth tokens as the ciphertext handed in, one SQLite row per user.
import type BetterSqlite3 from 'better-sqlite3';
import { ValidationError } from '../../errors';
import type { TokenStore } from '../../ports/token-store.port';
import type { Database } from './sqlite-database';

export interface SqliteTokenStoreOptions {
  now?: () => number;
}

export class SqliteTokenStore implements TokenStore {
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;
  readonly name = 'sqlite';

  private readonly now: () => number;
  private readonly upsertStatement: BetterSqlite3.Statement<[string, string, string]>;
  private readonly selectStatement: BetterSqlite3.Statement<[string], string>;
  private readonly deleteStatement: BetterSqlite3.Statement<[string]>;

  constructor(db: Database, options: SqliteTokenStoreOptions = {}) {
    this.probeStatement = db.prepare<[], number>('SELECT 1 FROM oauth_tokens LIMIT 1').pluck();
    this.now = options.now ?? Date.now;
    this.upsertStatement = db.prepare(
      `INSERT INTO oauth_tokens (user_id, ciphertext, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
    );
    this.selectStatement = db.prepare<[string], string>('SELECT ciphertext FROM oauth_tokens WHERE user_id = ?').pluck();
    this.deleteStatement = db.prepare('DELETE FROM oauth_tokens WHERE user_id = ?');
  }

  async put(userId: string, ciphertext: string): Promise<void> {
    if (typeof userId !== 'string' || userId.length === 0) {
      throw new ValidationError('TOKEN.INVALID_USER', 'A token needs a non-empty user id.');
    }
    if (typeof ciphertext !== 'string') {
      throw new ValidationError('TOKEN.INVALID_CIPHERTEXT', 'A token ciphertext must be a string.');
    }
    this.upsertStatement.run(userId, ciphertext, new Date(this.now()).toISOString());
  }

  async get(userId: string): Promise<string | null> {
    return this.selectStatement.get(userId) ?? null;
  }

  async delete(userId: string): Promise<void> {
    this.deleteStatement.run(userId);
  }

  async ready(): Promise<void> {
    this.probeStatement.get();
  }
}
