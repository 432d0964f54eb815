// Nonce store of local mode: a nonce is inserted once; a second use finds it there (a replay) until it expires.
import type BetterSqlite3 from 'better-sqlite3';
import type { NonceStore } from '../../ports/nonce-store.port';
import type { Database } from './sqlite-database';

export class SqliteNonceStore implements NonceStore {
  readonly name = 'sqlite';

  private readonly now: () => number;
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;
  private readonly purgeStatement: BetterSqlite3.Statement<[number]>;
  private readonly insertStatement: BetterSqlite3.Statement<[string, number]>;
  private readonly useTransaction: (nonce: string, expiresAt: number) => boolean;

  constructor(db: Database, options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    this.probeStatement = db.prepare<[], number>('SELECT 1 FROM oauth_nonces LIMIT 1').pluck();
    this.purgeStatement = db.prepare('DELETE FROM oauth_nonces WHERE expires_at <= ?');
    this.insertStatement = db.prepare('INSERT INTO oauth_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING');
    // Expired nonces are dropped as new ones arrive, so the table holds at most the live ones.
    this.useTransaction = db.transaction((nonce: string, expiresAt: number) => {
      this.purgeStatement.run(this.now());
      return this.insertStatement.run(nonce, expiresAt).changes > 0;
    });
  }

  async use(nonce: string, expiresAt: number): Promise<boolean> {
    if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > 256) return false;
    return this.useTransaction(nonce, expiresAt);
  }

  async ready(): Promise<void> {
    this.probeStatement.get();
  }
}
