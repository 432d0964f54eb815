// Port: the trader's journal as a grid of text cells, like a Google Sheet (one sheet id, tabs, rows in append order).
import type { SheetRef } from '../domain/sheet-range';

export type { SheetRef };


export interface AppendRequest {
  /** Header written first when the tab is empty. */
  header: readonly string[];
  rows: readonly (readonly string[])[];
}

export interface AppendResult {
  /** A1 range the rows were written to, e.g. `Journal!A5:O5`. */
  updatedRange: string;
  /** 1-based sheet row number of each appended row. */
  rowNumbers: number[];
  headerWritten: boolean;
}

/** A row of a tab with its 1-based sheet row number. */
export interface JournalRow {
  rowNumber: number;
  cells: string[];
}

/** Rows `from` … `from + limit - 1` of a tab (1-based sheet row numbers). */
export interface RowWindowRequest {
  from: number;
  limit: number;
}

/** The most rows one paged read may ask for. */
export const MAX_ROW_WINDOW = 10_000;

/** Whether a window is one adapters serve: whole numbers, `from` ≥ 1, 1 ≤ `limit` ≤ MAX_ROW_WINDOW. */
export function isRowWindow(window: RowWindowRequest): boolean {
  const { from, limit } = window ?? {};
  return Number.isInteger(from) && from >= 1 && Number.isInteger(limit) && limit >= 1 && limit <= MAX_ROW_WINDOW;
}

export interface RowWindow {
  /** Row 1 of the tab — the header, when the tab has one; [] when row 1 is empty. */
  header: string[];
  /** The window's rows in order; a row with no cell at all may be left out, and trailing empty cells may be missing. */
  rows: JournalRow[];
  /**
   * Whether the tab goes on after the window. An adapter that cannot see where a tab ends (Sheets trims trailing empty
   * rows) looks a bounded stretch ahead, so a longer run of empty rows ends the tab for paged reads.
   */
  more: boolean;
}

/** The code of a journal failure whose append may or may not have been written: callers must not undo around it. */
export const UNKNOWN_OUTCOME = 'JOURNAL.UNKNOWN_OUTCOME';

export interface Journal {
  readonly name: string;
  /** Appends rows after the last row of the tab; writes `header` first when the tab is empty. Atomic per call. */
  append(owner: string, ref: SheetRef, request: AppendRequest): Promise<AppendResult>;
  /** Every row of the tab (header included), or null when the sheet or tab does not exist for this owner. */
  read(owner: string, ref: SheetRef): Promise<string[][] | null>;
  /**
   * One window of the tab's rows plus its row 1, in one round trip, or null when the sheet or tab does not exist for
   * this owner. What pages of trades are read with; `read` stays for work that needs the whole tab.
   */
  readRows(owner: string, ref: SheetRef, window: RowWindowRequest): Promise<RowWindow | null>;
  ready(): Promise<void>;
}
