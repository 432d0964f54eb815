// Share link store of local mode: one row per link in SQLite, listed by job; expired links are dropped as new ones come.
import type BetterSqlite3 from 'better-sqlite3';
import { assertStorableShareLink } from '../../domain/share-link';
import { ConflictError } from '../../errors';
import type { ShareLink, ShareLinkStore } from '../../ports/share-link-store.port';
import type { Database } from './sqlite-database';

interface ShareLinkRow {
  share_id: string;
  job_id: string;
  owner: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

const COLUMNS = 'share_id, job_id, owner, created_at, expires_at, revoked_at';

export class SqliteShareLinkStore implements ShareLinkStore {
  readonly name = 'sqlite';

  private readonly insertStatement: BetterSqlite3.Statement<ShareLinkRow>;
  private readonly purgeStatement: BetterSqlite3.Statement<[string]>;
  private readonly getStatement: BetterSqlite3.Statement<[string, string], ShareLinkRow>;
  private readonly listStatement: BetterSqlite3.Statement<[string, string], ShareLinkRow>;
  private readonly revokeStatement: BetterSqlite3.Statement<{ at: string; owner: string; job_id: string; share_id: string }>;
  private readonly revokeAllStatement: BetterSqlite3.Statement<{ at: string; owner: string; job_id: string }>;
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;
  private readonly createTransaction: (row: ShareLinkRow) => boolean;

  constructor(db: Database) {
    this.insertStatement = db.prepare(
      `INSERT INTO share_links (${COLUMNS}) VALUES (@share_id, @job_id, @owner, @created_at, @expires_at, @revoked_at)
       ON CONFLICT (share_id) DO NOTHING`,
    );
    this.purgeStatement = db.prepare('DELETE FROM share_links WHERE expires_at < ?');
    this.getStatement = db.prepare(`SELECT ${COLUMNS} FROM share_links WHERE job_id = ? AND share_id = ?`);
    this.listStatement = db.prepare(`SELECT ${COLUMNS} FROM share_links WHERE job_id = ? AND owner = ? ORDER BY created_at DESC, share_id DESC`);
    // COALESCE keeps the first revocation time: revoking twice changes nothing but still finds the link.
    this.revokeStatement = db.prepare(
      'UPDATE share_links SET revoked_at = COALESCE(revoked_at, @at) WHERE share_id = @share_id AND job_id = @job_id AND owner = @owner',
    );
    this.revokeAllStatement = db.prepare('UPDATE share_links SET revoked_at = @at WHERE job_id = @job_id AND owner = @owner AND revoked_at IS NULL');
    this.probeStatement = db.prepare<[], number>('SELECT 1 FROM share_links LIMIT 1').pluck();
    // Links that expired before this one was made can never open again: dropped here, so the table holds live ones.
    this.createTransaction = db.transaction((row: ShareLinkRow) => {
      this.purgeStatement.run(row.created_at);
      return this.insertStatement.run(row).changes > 0;
    });
  }

  async create(link: ShareLink): Promise<void> {
    assertStorableShareLink(link);
    const inserted = this.createTransaction({
      share_id: link.share_id,
      job_id: link.job_id,
      owner: link.owner,
      created_at: link.created_at,
      expires_at: link.expires_at,
      revoked_at: link.revoked_at ?? null,
    });
    if (!inserted) throw new ConflictError('SHARE.ALREADY_EXISTS', 'A share link with this id exists already.');
  }

  async get(jobId: string, shareId: string): Promise<ShareLink | null> {
    const row = this.getStatement.get(jobId, shareId);
    return row ? toLink(row) : null;
  }

  async listForJob(owner: string, jobId: string): Promise<ShareLink[]> {
    return this.listStatement.all(jobId, owner).map(toLink);
  }

  async revoke(owner: string, jobId: string, shareId: string, at: string): Promise<boolean> {
    return this.revokeStatement.run({ at, owner, job_id: jobId, share_id: shareId }).changes > 0;
  }

  async revokeAll(owner: string, jobId: string, at: string): Promise<number> {
    return this.revokeAllStatement.run({ at, owner, job_id: jobId }).changes;
  }

  async ready(): Promise<void> {
    this.probeStatement.get();
  }
}

function toLink(row: ShareLinkRow): ShareLink {
  const { share_id, job_id, owner, created_at, expires_at, revoked_at } = row;
  return { share_id, job_id, owner, created_at, expires_at, ...(revoked_at === null ? {} : { revoked_at }) };
}
