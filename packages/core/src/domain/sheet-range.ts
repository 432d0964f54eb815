// Sheet ids and A1 ranges from requests: parsed and checked once, so adapters only ever see safe values.
import { ValidationError } from '../errors';

/** A tab of a journal: where rows are appended and read. */
export interface SheetRef {
  /** Spreadsheet id (Google) or journal name (local). */
  sheetId: string;
  /** Tab name, e.g. `Journal`. */
  tab: string;
}

export const DEFAULT_SHEET_RANGE = 'Journal!A1';
const SHEET_ID = /^[A-Za-z0-9_-]{1,128}$/;
const CELLS = /^\$?[A-Z]{1,3}\$?\d{0,7}(?::\$?[A-Z]{1,3}\$?\d{0,7})?$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function parseSheetId(value: unknown): string {
  if (typeof value !== 'string' || !SHEET_ID.test(value)) {
    throw new ValidationError('SHEET.INVALID_ID', 'sheet_id must be 1–128 letters, digits, "-" or "_" (a Google spreadsheet id or a journal name)', {
      field: 'sheet_id',
    });
  }
  return value;
}

/** Parses `Journal!A1`, `'My tab'!A1:H`, `Journal` into a tab name and the cell part. */
export function parseSheetRange(value: unknown): { tab: string; cells: string | null } {
  const text = value === undefined || value === '' ? DEFAULT_SHEET_RANGE : value;
  const invalid = (reason: string) =>
    new ValidationError('SHEET.INVALID_RANGE', `sheet_range ${reason}; use A1 notation such as Journal!A1`, { field: 'sheet_range' });
  if (typeof text !== 'string' || text.length > 200) throw invalid('must be a string of at most 200 characters');
  const bang = text.lastIndexOf('!');
  let tab = bang === -1 ? text : text.slice(0, bang);
  const cells = bang === -1 ? null : text.slice(bang + 1);
  if (tab.startsWith("'")) {
    if (!tab.endsWith("'") || tab.length < 3) throw invalid('has an unbalanced quoted tab name');
    tab = tab.slice(1, -1).replace(/''/g, "'");
  }
  tab = tab.trim();
  if (tab.length === 0 || tab.length > 100) throw invalid('needs a tab name of 1–100 characters');
  if (CONTROL.test(tab)) throw invalid('has control characters in the tab name');
  if (cells !== null && !CELLS.test(cells)) throw invalid(`has an invalid cell reference "${cells}"`);
  return { tab, cells };
}

export function parseSheetRef(sheetId: unknown, range: unknown): SheetRef {
  return { sheetId: parseSheetId(sheetId), tab: parseSheetRange(range).tab };
}

/** Column letters of a 1-based column number: 1 → A, 26 → Z, 27 → AA, 703 → AAA. */
export function columnLetters(column: number): string {
  if (!Number.isInteger(column) || column < 1) throw new RangeError(`Column must be a positive integer, got ${column}`);
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** Tab name as written in an A1 reference: bare when plain, else single-quoted with quotes doubled (as Sheets does). */
export function a1Tab(tab: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(tab);
  // A bare name that reads as a cell (`AB12`) or an R1C1 reference (`R1C2`) would be misparsed.
  const readsAsCell = /^[A-Za-z]+[0-9]+$/.test(tab) || /^[Rr][0-9]*[Cc][0-9]*$/.test(tab);
  return plain && !readsAsCell ? tab : `'${tab.replace(/'/g, "''")}'`;
}

/** A1 range of a block of rows, e.g. `Journal!A2:O4`. */
export function a1Range(tab: string, firstRow: number, lastRow: number, width: number): string {
  return `${a1Tab(tab)}!A${firstRow}:${columnLetters(Math.max(1, width))}${lastRow}`;
}
