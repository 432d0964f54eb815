import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { ValidationError } from '../../errors';
import type { AppendRequest } from '../../ports/journal.port';
import { openDatabase, type Database } from './sqlite-database';
import { a1Range, a1Tab, columnLetters } from '../../domain/sheet-range';
import { describeJournalContract } from '../../testing/contracts/journal.contract';
import { openTempDatabase } from '../../testing/local/temp-database';
import { SqliteJournal } from './sqlite-journal';

const HEADER = ['Date', 'Symbol', 'Side', 'Qty'];
const ref = { sheetId: 'sheet-1', tab: 'Journal' };

describe('A1 helpers', () => {
  it('names columns past Z', () => {
    expect([1, 2, 15, 26, 27, 28, 52, 53, 702, 703, 16384].map(columnLetters)).toEqual([
      'A', 'B', 'O', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD',
    ]);
    expect(() => columnLetters(0)).toThrow(RangeError);
  });

  it('quotes tab names that are not plain', () => {
    expect(a1Tab('Journal')).toBe('Journal');
    expect(a1Tab('My Trades')).toBe("'My Trades'");
    expect(a1Tab("Bob's")).toBe("'Bob''s'");
    expect(a1Tab('Журнал')).toBe("'Журнал'");
    expect(a1Tab('AB12')).toBe("'AB12'");
    expect(a1Range('Journal', 2, 4, 15)).toBe('Journal!A2:O4');
  });
});

let sheets = 0;
describeJournalContract('SqliteJournal keeps the Journal contract', async () => {
  const sqlite = openTempDatabase();
  return { ...sqlite, store: new SqliteJournal(sqlite.db), owner: 'alice', newSheet: async () => ({ sheetId: `contract-${++sheets}`, tab: 'Journal' }) };
});

describe('SqliteJournal', () => {
  let dir: string;
  let db: Database;
  let journal: SqliteJournal;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pecunia-'));
    db = openDatabase(path.join(dir, 'pecunia.sqlite'));
    journal = new SqliteJournal(db);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is named sqlite and ready', async () => {
    expect(journal.name).toBe('sqlite');
    await expect(journal.ready()).resolves.toBeUndefined();
  });

  it('writes the header once, then appends rows in order', async () => {
    const first = await journal.append('alice', ref, { header: HEADER, rows: [['2026-01-02', 'AAPL', 'long', '10']] });
    expect(first).toEqual({ updatedRange: 'Journal!A2:D2', rowNumbers: [2], headerWritten: true });

    const second = await journal.append('alice', ref, {
      header: HEADER,
      rows: [
        ['2026-01-03', 'MSFT', 'short', '5'],
        ['2026-01-04', 'TSLA', 'long', '1'],
      ],
    });
    expect(second).toEqual({ updatedRange: 'Journal!A3:D4', rowNumbers: [3, 4], headerWritten: false });

    expect(await journal.read('alice', ref)).toEqual([
      HEADER,
      ['2026-01-02', 'AAPL', 'long', '10'],
      ['2026-01-03', 'MSFT', 'short', '5'],
      ['2026-01-04', 'TSLA', 'long', '1'],
    ]);
  });

  it('returns null for a sheet or tab the owner does not have', async () => {
    expect(await journal.read('alice', ref)).toBeNull();
    await journal.append('alice', ref, { header: HEADER, rows: [['a']] });
    expect(await journal.read('alice', { sheetId: 'sheet-1', tab: 'Other' })).toBeNull();
    expect(await journal.read('alice', { sheetId: 'sheet-2', tab: 'Journal' })).toBeNull();
  });

  it('never lets one owner see or extend another owner’s rows under the same sheet id', async () => {
    await journal.append('alice', ref, { header: HEADER, rows: [['alice-row']] });
    expect(await journal.read('bob', ref)).toBeNull();

    const bob = await journal.append('bob', ref, { header: ['B'], rows: [['bob-row']] });
    expect(bob).toEqual({ updatedRange: 'Journal!A2:A2', rowNumbers: [2], headerWritten: true });
    expect(await journal.read('alice', ref)).toEqual([HEADER, ['alice-row']]);
    expect(await journal.read('bob', ref)).toEqual([['B'], ['bob-row']]);
  });

  it('treats tab names with quotes, spaces and unicode as plain values', async () => {
    const tabs = ["Bob's \"trades\"", 'Journal 2026', 'Журнал 📈', "x'; DROP TABLE journal_rows; --"];
    for (const tab of tabs) {
      await journal.append('alice', { sheetId: 's', tab }, { header: ['h'], rows: [[tab]] });
    }
    for (const tab of tabs) {
      expect(await journal.read('alice', { sheetId: 's', tab })).toEqual([['h'], [tab]]);
    }
    const result = await journal.append('alice', { sheetId: 's', tab: "Bob's \"trades\"" }, { header: ['h'], rows: [['y']] });
    expect(result.updatedRange).toBe("'Bob''s \"trades\"'!A3:A3");
  });

  it('reports ranges wider than 26 columns with double letters', async () => {
    const header = Array.from({ length: 30 }, (_, i) => `h${i}`);
    const row = Array.from({ length: 30 }, (_, i) => `v${i}`);
    const result = await journal.append('alice', ref, { header, rows: [row, row.slice(0, 3)] });
    expect(result.updatedRange).toBe('Journal!A2:AD3');
    expect(await journal.read('alice', ref)).toEqual([header, row, row.slice(0, 3)]);
  });

  it('keeps empty, ragged and odd cells exactly as written', async () => {
    const rows = [[], ['', ''], ['a', '', 'c'], ['nul\u0000byte', 'lone \ud800 surrogate', '=SUM(A1:A2)', '"quoted"']];
    await journal.append('alice', ref, { header: HEADER, rows });
    expect(await journal.read('alice', ref)).toEqual([HEADER, ...rows]);
  });

  it('writes nothing at all when a later row is invalid (header and earlier rows roll back)', async () => {
    const request = { header: HEADER, rows: [['ok'], ['bad', 42]] } as unknown as AppendRequest;
    await expect(journal.append('alice', ref, request)).rejects.toMatchObject({ code: 'JOURNAL.INVALID_CELL' });
    expect(await journal.read('alice', ref)).toBeNull();
    expect(db.prepare('SELECT COUNT(*) FROM journal_rows').pluck().get()).toBe(0);

    await journal.append('alice', ref, { header: HEADER, rows: [['first']] });
    await expect(journal.append('alice', ref, request)).rejects.toBeInstanceOf(ValidationError);
    expect(await journal.read('alice', ref)).toEqual([HEADER, ['first']]);
  });

  it('writes nothing when SQLite itself fails in the middle of an append', async () => {
    await journal.append('alice', ref, { header: HEADER, rows: [['first']] });
    // Fails the insert of sheet row 4, i.e. the second data row of the next append.
    db.exec(`CREATE TRIGGER fail_row_4 BEFORE INSERT ON journal_rows WHEN NEW.row_number = 4
             BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    // Matched by message: better-sqlite3's SqliteError may come from another Jest realm, where toThrow misses it.
    await expect(journal.append('alice', ref, { header: HEADER, rows: [['second'], ['third']] })).rejects.toMatchObject({
      message: 'disk on fire',
    });
    expect(await journal.read('alice', ref)).toEqual([HEADER, ['first']]);
    db.exec('DROP TRIGGER fail_row_4');
    expect((await journal.append('alice', ref, { header: HEADER, rows: [['second']] })).rowNumbers).toEqual([3]);
  });


  it('commits appends made together as one group, each rolled back alone when it fails', async () => {
    await journal.append('alice', ref, { header: HEADER, rows: [['first']] });
    // A second connection's data_version goes up by one for each commit another connection makes.
    const observer = openDatabase(path.join(dir, 'pecunia.sqlite'));
    const dataVersion = () => observer.pragma('data_version', { simple: true }) as number;
    const versionBefore = dataVersion();
    const before = db.prepare('SELECT COUNT(*) FROM journal_rows').pluck().get() as number;
    const other = { sheetId: 'sheet-2', tab: 'Journal' };
    const outcomes = await Promise.allSettled([
      journal.append('alice', ref, { header: HEADER, rows: [['second'], ['third']] }),
      journal.append('alice', ref, { header: HEADER, rows: [['bad', 42 as unknown as string]] }),
      journal.append('alice', other, { header: [], rows: [['no header on a new tab']] }),
      journal.append('bob', ref, { header: HEADER, rows: [['bob one']] }),
      journal.append('alice', ref, { header: HEADER, rows: [['fourth']] }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ reason: { code: 'JOURNAL.INVALID_CELL' } });
    expect(outcomes[2]).toMatchObject({ reason: { code: 'JOURNAL.NO_HEADER' } });
    // Row numbers without gaps: the failed append's savepoint took its row back before the next one numbered its own.
    expect((outcomes[0] as PromiseFulfilledResult<{ rowNumbers: number[] }>).value.rowNumbers).toEqual([3, 4]);
    expect((outcomes[4] as PromiseFulfilledResult<{ rowNumbers: number[] }>).value.rowNumbers).toEqual([5]);
    expect(await journal.read('alice', ref)).toEqual([HEADER, ['first'], ['second'], ['third'], ['fourth']]);
    expect(await journal.read('alice', other)).toBeNull();
    expect(await journal.read('bob', ref)).toEqual([HEADER, ['bob one']]);
    expect(db.prepare('SELECT COUNT(*) FROM journal_rows').pluck().get()).toBe(before + 5);
    // Five appends, one commit.
    expect(dataVersion()).toBe(versionBefore + 1);
    observer.close();
  });

  it('fails every append of a group whose commit fails, and writes none of them', async () => {
    await journal.append('alice', ref, { header: HEADER, rows: [['first']] });
    // Another connection holds the write lock past the busy timeout: the group's BEGIN IMMEDIATE cannot start.
    const blocker = openDatabase(path.join(dir, 'pecunia.sqlite'));
    blocker.pragma('busy_timeout = 0');
    db.pragma('busy_timeout = 0');
    blocker.prepare('BEGIN IMMEDIATE').run();
    try {
      const outcomes = await Promise.allSettled([
        journal.append('alice', ref, { header: HEADER, rows: [['second']] }),
        journal.append('alice', ref, { header: HEADER, rows: [['third']] }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(outcomes[0]).toMatchObject({ reason: { code: 'SQLITE_BUSY' } });
    } finally {
      blocker.prepare('ROLLBACK').run();
      blocker.close();
    }
    expect(await journal.read('alice', ref)).toEqual([HEADER, ['first']]);
    expect((await journal.append('alice', ref, { header: HEADER, rows: [['second']] })).rowNumbers).toEqual([3]);
  });
  it('rejects appends without rows, a first append without header, and empty references', async () => {
    await expect(journal.append('alice', ref, { header: HEADER, rows: [] })).rejects.toMatchObject({
      code: 'JOURNAL.NO_ROWS',
    });
    await expect(journal.append('alice', ref, { header: [], rows: [['x']] })).rejects.toMatchObject({
      code: 'JOURNAL.NO_HEADER',
    });
    await expect(journal.append('', ref, { header: HEADER, rows: [['x']] })).rejects.toMatchObject({
      code: 'JOURNAL.INVALID_REF',
    });
    await expect(journal.append('alice', { sheetId: 's', tab: '' }, { header: HEADER, rows: [['x']] })).rejects.toMatchObject({
      code: 'JOURNAL.INVALID_REF',
    });
    expect(await journal.read('alice', ref)).toBeNull();
  });

  it('gives back exactly the cells appended (property)', async () => {
    const cell = fc.string({ unit: 'binary', maxLength: 20 });
    const row = fc.array(cell, { maxLength: 8 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(cell, { minLength: 1, maxLength: 8 }),
        fc.array(fc.array(row, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        async (header, batches) => {
          const sheet = { sheetId: `prop-${run++}`, tab: 'T' };
          const written: string[][] = [header];
          for (const rows of batches) {
            const result = await journal.append('alice', sheet, { header, rows });
            const start = written.length + 1;
            expect(result.rowNumbers).toEqual(rows.map((_, i) => start + i));
            written.push(...rows);
          }
          expect(await journal.read('alice', sheet)).toEqual(written);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('pages a long tab through the primary key, rows of other owners and tabs apart', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => [`r${i + 2}`]);
    await journal.append('alice', ref, { header: HEADER, rows });
    await journal.append('alice', { ...ref, tab: 'Other' }, { header: HEADER, rows: [['other']] });
    await journal.append('bob', ref, { header: HEADER, rows: [['bob']] });

    const deep = await journal.readRows('alice', ref, { from: 1_990, limit: 50 });
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT row_number, cells FROM journal_rows WHERE owner = ? AND sheet_id = ? AND tab = ? AND row_number >= ? ORDER BY row_number LIMIT ?')
      .all('alice', 'sheet-1', 'Journal', 1_990, 50) as { detail: string }[];

    expect(deep).toEqual({ header: HEADER, rows: Array.from({ length: 12 }, (_, i) => ({ rowNumber: 1_990 + i, cells: [`r${1_990 + i}`] })), more: false });
    expect(plan.map((step) => step.detail).join(' ')).toMatch(/SEARCH journal_rows USING PRIMARY KEY \(owner=\? AND sheet_id=\? AND tab=\? AND row_number>\?\)/);
  });
});
