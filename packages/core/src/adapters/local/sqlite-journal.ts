// Journal of local mode: each owner's sheets as text-cell rows in SQLite, numbered and appended like a Google Sheet.
import type BetterSqlite3 from 'better-sqlite3';
import { ValidationError } from '../../errors';
import { isRowWindow, type AppendRequest, type AppendResult, type Journal, type RowWindow, type RowWindowRequest, type SheetRef } from '../../ports/journal.port';
import { a1Range } from '../../domain/sheet-range';
import type { Database } from './sqlite-database';

type Key = [owner: string, sheetId: string, tab: string];

/** An append waiting for the next group commit. */
interface PendingAppend {
  owner: string;
  ref: SheetRef;
  request: AppendRequest;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

function assertRef(owner: string, ref: SheetRef): void {
  for (const [field, value] of [['owner', owner], ['sheetId', ref.sheetId], ['tab', ref.tab]] as const) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new ValidationError('JOURNAL.INVALID_REF', `The ${field} of a journal reference must be a non-empty string.`, {
        field,
      });
    }
  }
}

/** Cells as stored: a JSON array of strings, so a read gives back exactly the columns that were written. */
function encodeRow(row: unknown, where: string): string {
  if (!Array.isArray(row)) {
    throw new ValidationError('JOURNAL.INVALID_ROW', `The ${where} of an append must be an array of strings.`, { where });
  }
  row.forEach((cell: unknown, column) => {
    if (typeof cell !== 'string') {
      throw new ValidationError('JOURNAL.INVALID_CELL', `Every cell must be a string (${where}, column ${column + 1}).`, {
        where,
        column: column + 1,
      });
    }
  });
  return JSON.stringify(row);
}

export class SqliteJournal implements Journal {
  readonly name = 'sqlite';

  private readonly lastRowStatement: BetterSqlite3.Statement<Key, number | null>;
  private readonly insertStatement: BetterSqlite3.Statement<[...Key, number, string]>;
  private readonly readStatement: BetterSqlite3.Statement<Key, string>;
  private readonly headerStatement: BetterSqlite3.Statement<Key, string>;
  private readonly windowStatement: BetterSqlite3.Statement<[...Key, number, number], { row_number: number; cells: string }>;
  private readonly probeStatement: BetterSqlite3.Statement<[], number>;
  private readonly windowTransaction: BetterSqlite3.Transaction<(key: Key, window: RowWindowRequest) => RowWindow | null>;
  private readonly appendTransaction: BetterSqlite3.Transaction<(owner: string, ref: SheetRef, request: AppendRequest) => AppendResult>;
  private readonly groupTransaction: BetterSqlite3.Transaction<(batch: readonly PendingAppend[]) => AppendOutcome[]>;
  /** Appends made since the last group commit, written together on the next turn of the event loop. */
  private pending: PendingAppend[] = [];

  constructor(private readonly db: Database) {
    this.lastRowStatement = db
      .prepare<Key, number | null>('SELECT MAX(row_number) FROM journal_rows WHERE owner = ? AND sheet_id = ? AND tab = ?')
      .pluck();
    this.insertStatement = db.prepare<[...Key, number, string]>(
      'INSERT INTO journal_rows (owner, sheet_id, tab, row_number, cells) VALUES (?, ?, ?, ?, ?)',
    );
    this.readStatement = db
      .prepare<Key, string>(
        'SELECT cells FROM journal_rows WHERE owner = ? AND sheet_id = ? AND tab = ? ORDER BY row_number',
      )
      .pluck();
    this.headerStatement = db
      .prepare<Key, string>('SELECT cells FROM journal_rows WHERE owner = ? AND sheet_id = ? AND tab = ? AND row_number = 1')
      .pluck();
    // A range seek on the primary key (owner, sheet_id, tab, row_number): as fast at row 90,000 as at row 2.
    this.windowStatement = db.prepare<[...Key, number, number], { row_number: number; cells: string }>(
      'SELECT row_number, cells FROM journal_rows WHERE owner = ? AND sheet_id = ? AND tab = ? AND row_number >= ? ORDER BY row_number LIMIT ?',
    );
    this.probeStatement = db.prepare<[], number>('SELECT 1').pluck();
    // One snapshot for the header and the window: another process's append lands wholly before or after the read.
    this.windowTransaction = db.transaction((key: Key, window: RowWindowRequest) => this.readWindow(key, window));
    // Every row of one call is written or none is: a failure on any row rolls the header and earlier rows back.
    this.appendTransaction = db.transaction((owner: string, ref: SheetRef, request: AppendRequest) =>
      this.appendRows(owner, ref, request),
    );
    // Group commit: the appends of one turn of the event loop share a transaction, each in its own savepoint (a nested
    // better-sqlite3 transaction), so one that fails rolls back alone. A commit (its WAL write) costs more than the
    // inserts of a typical append, so under concurrent requests this is most of the write cost saved; each caller is
    // answered only once the commit holding its rows is done.
    this.groupTransaction = db.transaction((batch: readonly PendingAppend[]) =>
      batch.map(({ owner, ref, request }): AppendOutcome => {
        try {
          return { ok: true, result: this.appendTransaction(owner, ref, request) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  async append(owner: string, ref: SheetRef, request: AppendRequest): Promise<AppendResult> {
    assertRef(owner, ref);
    if (!Array.isArray(request.rows) || request.rows.length === 0) {
      throw new ValidationError('JOURNAL.NO_ROWS', 'An append needs at least one row.');
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ owner, ref, request, resolve, reject });
      // After the I/O callbacks of this turn: every request that arrived with this one joins its commit.
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  private commitPending(): void {
    const batch = this.pending;
    this.pending = [];
    let outcomes: AppendOutcome[];
    try {
      // IMMEDIATE takes the write lock before reading the last row number, so two processes cannot pick the same one.
      outcomes = this.groupTransaction.immediate(batch);
    } catch (error) {
      // The commit itself failed (busy past the timeout, disk full, closed): none of the batch was written.
      for (const append of batch) append.reject(error);
      return;
    }
    outcomes.forEach((outcome, index) => {
      const append = batch[index]!;
      if (outcome.ok) append.resolve(outcome.result);
      else append.reject(outcome.error);
    });
  }

  async read(owner: string, ref: SheetRef): Promise<string[][] | null> {
    const rows = this.readStatement.all(owner, ref.sheetId, ref.tab);
    if (rows.length === 0) return null;
    return rows.map((cells) => JSON.parse(cells) as string[]);
  }

  async readRows(owner: string, ref: SheetRef, window: RowWindowRequest): Promise<RowWindow | null> {
    assertRef(owner, ref);
    if (!isRowWindow(window)) {
      throw new ValidationError('JOURNAL.INVALID_WINDOW', 'A row window needs a whole `from` of at least 1 and a `limit` from 1 to 10000.');
    }
    const key: Key = [owner, ref.sheetId, ref.tab];
    return this.windowTransaction(key, window);
  }

  private readWindow(key: Key, window: RowWindowRequest): RowWindow | null {
    const header = this.headerStatement.get(...key);
    // Row 1 is the first row any append writes, so a tab without it does not exist.
    if (header === undefined) return null;
    // Rows are numbered without gaps, so the row after the window is there exactly when the tab goes on.
    const found = this.windowStatement.all(...key, window.from, window.limit + 1);
    const rows = found.slice(0, window.limit).map((row) => ({ rowNumber: row.row_number, cells: JSON.parse(row.cells) as string[] }));
    return { header: JSON.parse(header) as string[], rows, more: found.length > window.limit };
  }

  async ready(): Promise<void> {
    this.probeStatement.get();
  }

  private appendRows(owner: string, ref: SheetRef, request: AppendRequest): AppendResult {
    const key: Key = [owner, ref.sheetId, ref.tab];
    const last = this.lastRowStatement.get(...key) ?? 0;
    let next = last + 1;
    let headerWritten = false;
    if (last === 0) {
      if (!Array.isArray(request.header) || request.header.length === 0) {
        throw new ValidationError('JOURNAL.NO_HEADER', 'The first append to a tab needs a header.', { tab: ref.tab });
      }
      this.insertStatement.run(...key, next, encodeRow(request.header, 'header'));
      next++;
      headerWritten = true;
    }
    const rowNumbers: number[] = [];
    let width = 1;
    request.rows.forEach((row, index) => {
      this.insertStatement.run(...key, next, encodeRow(row, `row ${index + 1}`));
      rowNumbers.push(next);
      next++;
      width = Math.max(width, row.length);
    });
    const first = rowNumbers[0] ?? next;
    return { updatedRange: a1Range(ref.tab, first, next - 1, width), rowNumbers, headerWritten };
  }
}
