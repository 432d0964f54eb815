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

/** The code of a journal failure whose append may or may not have been written: callers must not undo around it. */
export const UNKNOWN_OUTCOME = 'JOURNAL.UNKNOWN_OUTCOME';

export interface Journal {
  readonly name: string;
  /** Appends rows after the last row of the tab; writes `header` first when the tab is empty. Atomic per call. */
  append(owner: string, ref: SheetRef, request: AppendRequest): Promise<AppendResult>;
  /** Every row of the tab (header included), or null when the sheet or tab does not exist for this owner. */
  read(owner: string, ref: SheetRef): Promise<string[][] | null>;
  ready(): Promise<void>;
}
