// The Journal port's promises as one suite, run by each adapter's test file against its own storage (SQLite, the Sheets stand-in).
import type { Journal, JournalRow, SheetRef } from '../../ports/journal.port';
import { describeContract, type StoreSubject } from './contract-suite';

export interface JournalSubject extends StoreSubject<Journal> {
  /** Whose journal the cases write and read. */
  owner: string;
  /** A sheet of the owner's with no rows yet in its `Journal` tab (the tab may not exist yet). */
  newSheet(): Promise<SheetRef>;
}

const HEADER = ['trade_id', 'ticker', 'pnl', 'notes'];
const row = (n: number, notes = `note ${n}`) => [`t${n}`, 'AAPL', String(n), notes];

/** Rows as the port lets an adapter give them: trailing empty cells and wholly empty rows may be missing. */
const normalized = (rows: readonly JournalRow[]) =>
  rows.map((r) => ({ rowNumber: r.rowNumber, cells: r.cells.slice(0, r.cells.findLastIndex((cell) => cell !== '') + 1) })).filter((r) => r.cells.length > 0);

export function describeJournalContract(name: string, open: () => Promise<JournalSubject>): void {
  describeContract(name, open, {}, (subject) => {
    it('reads a window of rows with their sheet row numbers, row 1 as the header, and whether the tab goes on', async () => {
      const { store: journal, owner, newSheet } = subject();
      const ref = await newSheet();
      await journal.append(owner, ref, { header: HEADER, rows: [1, 2, 3, 4, 5, 6, 7].map((n) => row(n)) });

      const first = await journal.readRows(owner, ref, { from: 2, limit: 3 });
      const last = await journal.readRows(owner, ref, { from: 7, limit: 3 });
      const past = await journal.readRows(owner, ref, { from: 20, limit: 3 });

      expect(first).toEqual({ header: HEADER, rows: [2, 3, 4].map((n) => ({ rowNumber: n, cells: row(n - 1) })), more: true });
      expect(last).toEqual({ header: HEADER, rows: [7, 8].map((n) => ({ rowNumber: n, cells: row(n - 1) })), more: false });
      expect(past).toEqual({ header: HEADER, rows: [], more: false });
    });

    it('says the tab goes on exactly when a row follows the window', async () => {
      const { store: journal, owner, newSheet } = subject();
      const ref = await newSheet();
      await journal.append(owner, ref, { header: HEADER, rows: [row(1), row(2)] });

      const upToLast = await journal.readRows(owner, ref, { from: 1, limit: 3 });
      const beforeLast = await journal.readRows(owner, ref, { from: 1, limit: 2 });

      expect(upToLast?.more).toBe(false);
      expect(upToLast?.rows.map((r) => r.rowNumber)).toEqual([1, 2, 3]);
      expect(beforeLast?.more).toBe(true);
    });

    it('gives the same rows, window by window, as one read of the whole tab', async () => {
      const { store: journal, owner, newSheet } = subject();
      const ref = await newSheet();
      const rows = [row(1), ['t2', 'MSFT'], [], row(4, 'a note, with "quotes"'), ['', '', ''], row(6), ['t7', '', '', 'x']];
      await journal.append(owner, ref, { header: HEADER, rows });
      await journal.append(owner, ref, { header: HEADER, rows: [row(8)] });

      const whole = (await journal.read(owner, ref)) ?? [];
      const windows: JournalRow[] = [];
      for (let from = 1, more = true; more; from += 3) {
        const window = await journal.readRows(owner, ref, { from, limit: 3 });
        windows.push(...(window?.rows ?? []));
        more = window?.more ?? false;
      }

      expect(normalized(windows)).toEqual(normalized(whole.map((cells, i) => ({ rowNumber: i + 1, cells }))));
      expect(normalized(windows).map((r) => r.rowNumber)).toEqual([1, 2, 3, 5, 7, 8, 9]);
    });

    it('sees rows appended after an earlier window, after the rows it saw', async () => {
      const { store: journal, owner, newSheet } = subject();
      const ref = await newSheet();
      await journal.append(owner, ref, { header: HEADER, rows: [row(1), row(2)] });
      const before = await journal.readRows(owner, ref, { from: 2, limit: 2 });

      await journal.append(owner, ref, { header: HEADER, rows: [row(3)] });
      const after = await journal.readRows(owner, ref, { from: 4, limit: 2 });

      expect(before).toMatchObject({ more: false, rows: [{ rowNumber: 2 }, { rowNumber: 3 }] });
      expect(after).toEqual({ header: HEADER, rows: [{ rowNumber: 4, cells: row(3) }], more: false });
    });

    it('answers null for a sheet or tab the owner does not have', async () => {
      const { store: journal, owner, newSheet } = subject();
      const ref = await newSheet();
      await journal.append(owner, ref, { header: HEADER, rows: [row(1)] });

      expect(await journal.readRows(owner, { ...ref, tab: 'Nope' }, { from: 1, limit: 10 })).toBeNull();
      expect(await journal.readRows(owner, { sheetId: 'no-such-sheet', tab: 'Journal' }, { from: 1, limit: 10 })).toBeNull();
    });

    it.each([
      ['a zero from', { from: 0, limit: 1 }],
      ['a fractional from', { from: 1.5, limit: 1 }],
      ['a zero limit', { from: 1, limit: 0 }],
      ['a limit over 10000', { from: 1, limit: 10_001 }],
    ])('refuses a window with %s', async (_name, window) => {
      const { store: journal, owner, newSheet } = subject();
      const ref = await newSheet();

      await expect(journal.readRows(owner, ref, window)).rejects.toMatchObject({ code: 'JOURNAL.INVALID_WINDOW' });
    });
  });
}
