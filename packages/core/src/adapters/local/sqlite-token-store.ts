// Token store of local mode: each user's Google connection (bound account, token ciphertext) as one SQLite row.
import type BetterSqlite3 from 'better-sqlite3';
import { ConflictError, ValidationError } from '../../errors';
import type { ConnectionStatus, GoogleConnection, TokenStore } from '../../ports/token-store.port';
import type { Database } from './sqlite-database';

export interface SqliteTokenStoreOptions {
  now?: () => number;
}

interface ConnectionRow {
  user_id: string;
  subject: string;
  email: string | null;
  ciphertext: string;
  status: ConnectionStatus;
  updated_at: string;
}

export class SqliteTokenStore implements TokenStore {
  readonly name = 'sqlite';

  private readonly now: () => number;
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;
  private readonly upsertStatement: BetterSqlite3.Statement<ConnectionRow>;
  private readonly byUserStatement: BetterSqlite3.Statement<[string], ConnectionRow>;
  private readonly bySubjectStatement: BetterSqlite3.Statement<[string], ConnectionRow>;
  private readonly ciphertextStatement: BetterSqlite3.Statement<[string, string, string]>;
  private readonly brokenStatement: BetterSqlite3.Statement<[string, string]>;
  private readonly deleteStatement: BetterSqlite3.Statement<[string]>;
  private readonly putTransaction: (connection: ConnectionRow) => void;

  constructor(db: Database, options: SqliteTokenStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.probeStatement = db.prepare<[], number>('SELECT 1 FROM google_connections LIMIT 1').pluck();
    this.upsertStatement = db.prepare<ConnectionRow>(
      `INSERT INTO google_connections (user_id, subject, email, ciphertext, status, updated_at)
       VALUES (@user_id, @subject, @email, @ciphertext, @status, @updated_at)
       ON CONFLICT (user_id) DO UPDATE SET subject = excluded.subject, email = excluded.email,
         ciphertext = excluded.ciphertext, status = excluded.status, updated_at = excluded.updated_at`,
    );
    const columns = 'user_id, subject, email, ciphertext, status, updated_at';
    this.byUserStatement = db.prepare(`SELECT ${columns} FROM google_connections WHERE user_id = ?`);
    this.bySubjectStatement = db.prepare(`SELECT ${columns} FROM google_connections WHERE subject = ?`);
    this.ciphertextStatement = db.prepare("UPDATE google_connections SET ciphertext = ?, updated_at = ? WHERE user_id = ? AND status = 'connected'");
    this.brokenStatement = db.prepare("UPDATE google_connections SET status = 'broken', updated_at = ? WHERE user_id = ?");
    this.deleteStatement = db.prepare('DELETE FROM google_connections WHERE user_id = ?');
    // Checked and written in one transaction: two users connecting the same account at once cannot both win.
    this.putTransaction = db.transaction((row: ConnectionRow) => {
      const holder = this.bySubjectStatement.get(row.subject);
      if (holder && holder.user_id !== row.user_id) {
        throw new ConflictError('OAUTH.ACCOUNT_IN_USE', 'This Google account is already connected to another user.');
      }
      const current = this.byUserStatement.get(row.user_id);
      if (current && current.subject !== row.subject) {
        throw new ConflictError('OAUTH.USER_BOUND_ELSEWHERE', 'This user is connected to another Google account.');
      }
      this.upsertStatement.run(row);
    });
  }

  async put(connection: GoogleConnection): Promise<void> {
    for (const field of ['user_id', 'subject', 'ciphertext'] as const) {
      if (typeof connection[field] !== 'string' || connection[field].length === 0) {
        throw new ValidationError('TOKEN.INVALID_CONNECTION', `A Google connection needs a non-empty ${field}.`, { field });
      }
    }
    this.putTransaction({
      user_id: connection.user_id,
      subject: connection.subject,
      email: connection.email ?? null,
      ciphertext: connection.ciphertext,
      status: connection.status,
      updated_at: this.timestamp(),
    });
  }

  async get(userId: string): Promise<GoogleConnection | null> {
    return toConnection(this.byUserStatement.get(userId));
  }

  async findBySubject(subject: string): Promise<GoogleConnection | null> {
    return toConnection(this.bySubjectStatement.get(subject));
  }

  async updateCiphertext(userId: string, ciphertext: string): Promise<void> {
    if (typeof ciphertext !== 'string' || ciphertext.length === 0) {
      throw new ValidationError('TOKEN.INVALID_CONNECTION', 'A Google connection needs a non-empty ciphertext.', { field: 'ciphertext' });
    }
    this.ciphertextStatement.run(ciphertext, this.timestamp(), userId);
  }

  async markBroken(userId: string): Promise<void> {
    this.brokenStatement.run(this.timestamp(), userId);
  }

  async delete(userId: string): Promise<void> {
    this.deleteStatement.run(userId);
  }

  async ready(): Promise<void> {
    this.probeStatement.get();
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }
}

function toConnection(row: ConnectionRow | undefined): GoogleConnection | null {
  if (!row) return null;
  return {
    user_id: row.user_id,
    subject: row.subject,
    ...(row.email === null ? {} : { email: row.email }),
    ciphertext: row.ciphertext,
    status: row.status,
    updated_at: row.updated_at,
  };
}
