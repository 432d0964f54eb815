// Sheets v4 of the Google stand-in: spreadsheet metadata, values.get and batchGet, values.append and batchUpdate addSheet.
import { randomBytes } from 'node:crypto';
import { a1Tab, columnLetters } from '../../domain/sheet-range';
import { parseA1, type A1Bounds } from './standin-a1';
import { GoogleHttpError, json, parseJson, selectFields, type Reply, type StandInRequest } from './standin-http';
import { requireScope, type AccessToken } from './standin-oauth';

/** A stored cell: what RAW input keeps, or what USER_ENTERED parsed (numbers, booleans, formulas). */
export type SheetCell = string | number | boolean | { formula: string };

export interface SheetTab {
  sheetId: number;
  title: string;
  rows: SheetCell[][];
}

export interface Spreadsheet {
  id: string;
  owner: string;
  title: string;
  sharedWith: Set<string>;
  tabs: SheetTab[];
}

const SHEETS_SCOPES = ['https://www.googleapis.com/auth/spreadsheets', 'https://www.googleapis.com/auth/drive'];
const isEmpty = (cell: SheetCell | undefined) => cell === undefined || cell === '';

export class SheetsState {
  readonly spreadsheets = new Map<string, Spreadsheet>();
  private nextSheetId = 1;

  create(owner: string, title: string, tabs: Record<string, SheetCell[][]>): string {
    const id = randomBytes(22).toString('base64url');
    const entries: [string, SheetCell[][]][] = Object.entries(tabs);
    if (entries.length === 0) entries.push(['Sheet1', []]);
    this.spreadsheets.set(id, {
      id,
      owner,
      title,
      sharedWith: new Set(),
      tabs: entries.map(([name, rows]) => this.newTab(name, rows)),
    });
    return id;
  }

  handle(request: StandInRequest, access: () => AccessToken): Reply | undefined {
    const match = /^\/v4\/spreadsheets\/([^/:]+)(?::batchUpdate|\/values:batchGet|\/values\/([^/]+?)(:append)?)?$/.exec(request.rawPath);
    if (!match?.[1]) return undefined;
    const token = access();
    requireScope(token, SHEETS_SCOPES);
    const book = this.book(token, decodeURIComponent(match[1]));
    const range = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const { method, query } = request;
    if (range === undefined && request.rawPath.endsWith(':batchUpdate') && method === 'POST') {
      return json(200, this.batchUpdate(book, parseJson(request.body)));
    }
    if (range === undefined && request.rawPath.endsWith('/values:batchGet') && method === 'GET') return json(200, this.batchGet(book, query));
    if (range === undefined && method === 'GET') return json(200, selectFields(this.describe(book), query.get('fields') ?? undefined, ['*']));
    if (range !== undefined && match[3] && method === 'POST') return json(200, this.append(book, range, query, parseJson(request.body)));
    if (range !== undefined && !match[3] && method === 'GET') return json(200, this.values(book, range, query));
    return undefined;
  }

  private tab(book: Spreadsheet, bounds: A1Bounds): SheetTab {
    const tab = bounds.tab === undefined ? book.tabs[0] : book.tabs.find((t) => t.title === bounds.tab);
    if (!tab) throw new Error('parseA1 let through a missing tab');
    return tab;
  }

  /** Missing is 404; present but neither owned nor shared is 403, as Sheets answers a spreadsheet you cannot open. */
  private book(access: AccessToken, id: string): Spreadsheet {
    const book = this.spreadsheets.get(id);
    if (!book) throw new GoogleHttpError(404, 'Requested entity was not found.');
    const sub = access.account.sub;
    if (book.owner !== sub && !book.sharedWith.has(sub)) throw new GoogleHttpError(403, 'The caller does not have permission');
    return book;
  }

  private bounds(book: Spreadsheet, range: string): A1Bounds {
    return parseA1(range, (name) => book.tabs.some((t) => t.title === name));
  }

  /** Every range or none: one that cannot be read fails the whole request, as in Sheets. */
  private batchGet(book: Spreadsheet, query: URLSearchParams): unknown {
    const ranges = query.getAll('ranges');
    return { spreadsheetId: book.id, valueRanges: ranges.map((range) => this.values(book, range, query)) };
  }

  private values(book: Spreadsheet, range: string, query: URLSearchParams): unknown {
    const bounds = this.bounds(book, range);
    const tab = this.tab(book, bounds);
    const grid = gridSize(tab);
    // A range that ends past the grid is cut short; one that starts past it is refused.
    if (bounds.startRow > grid.rows || bounds.startColumn > grid.columns) {
      throw new GoogleHttpError(400, `Range (${range}) exceeds grid limits. Max rows: ${grid.rows}, max columns: ${grid.columns}`);
    }
    const render = query.get('valueRenderOption') ?? 'FORMATTED_VALUE';
    const lastRow = Math.min(bounds.endRow, tab.rows.length);
    let values: unknown[][] = [];
    for (let r = bounds.startRow; r <= lastRow; r++) {
      const row = tab.rows[r - 1] ?? [];
      const lastColumn = Math.min(bounds.endColumn, row.length);
      values.push(row.slice(bounds.startColumn - 1, lastColumn).map((cell) => renderCell(cell, render)));
    }
    if (query.get('majorDimension') === 'COLUMNS') values = transpose(values);
    values = trim(values);
    const endRow = Math.min(bounds.endRow, grid.rows);
    const endColumn = Math.min(bounds.endColumn, grid.columns);
    return {
      range: `${a1Tab(tab.title)}!${columnLetters(bounds.startColumn)}${bounds.startRow}:${columnLetters(endColumn)}${endRow}`,
      majorDimension: query.get('majorDimension') ?? 'ROWS',
      ...(values.length > 0 ? { values } : {}),
    };
  }

  /** Appends after the tab's last non-empty row (the "table" Sheets finds when the range starts at its top). */
  private append(book: Spreadsheet, range: string, query: URLSearchParams, body: unknown): unknown {
    const input = query.get('valueInputOption');
    if (input !== 'RAW' && input !== 'USER_ENTERED') {
      throw new GoogleHttpError(400, input ? `Invalid value at 'value_input_option' (${input})` : "'valueInputOption' is required but not specified");
    }
    const bounds = this.bounds(book, range);
    const tab = this.tab(book, bounds);
    const values = (body as { values?: unknown }).values;
    if (!Array.isArray(values) || !values.every(Array.isArray)) throw new GoogleHttpError(400, 'Invalid values: expected a list of rows');
    const lastUsed = tab.rows.findLastIndex((row) => row.some((cell) => !isEmpty(cell))) + 1;
    const first = lastUsed + 1;
    const start = bounds.startColumn;
    const width = Math.max(1, ...values.map((row: unknown[]) => row.length));
    tab.rows.length = lastUsed;
    for (const row of values as unknown[][]) {
      const cells: SheetCell[] = Array.from({ length: start - 1 }, () => '');
      cells.push(...row.map((value) => writeCell(value, input)));
      tab.rows.push(cells);
    }
    const tabName = a1Tab(tab.title);
    const lastRow = first + values.length - 1;
    const tableWidth = Math.max(0, ...tab.rows.slice(0, lastUsed).map((row) => row.length));
    return {
      spreadsheetId: book.id,
      ...(lastUsed > 0 ? { tableRange: `${tabName}!A1:${columnLetters(Math.max(1, tableWidth))}${lastUsed}` } : {}),
      updates: {
        spreadsheetId: book.id,
        updatedRange: `${tabName}!${columnLetters(start)}${first}:${columnLetters(start + width - 1)}${lastRow}`,
        updatedRows: values.length,
        updatedColumns: width,
        updatedCells: values.reduce((sum: number, row: unknown[]) => sum + row.length, 0),
      },
    };
  }

  private batchUpdate(book: Spreadsheet, body: unknown): unknown {
    const requests = (body as { requests?: unknown }).requests;
    if (!Array.isArray(requests)) throw new GoogleHttpError(400, 'Invalid JSON payload: requests must be a list');
    // Checked before any change: a batchUpdate applies all its requests or none.
    const titles = new Set(book.tabs.map((t) => t.title));
    const added = requests.map((request: { addSheet?: { properties?: { title?: unknown } } }, index) => {
      const title = request.addSheet?.properties?.title;
      if (request.addSheet === undefined) throw new GoogleHttpError(400, `Invalid requests[${index}]: the stand-in only knows addSheet`);
      const name = typeof title === 'string' ? title : `Sheet${book.tabs.length + index + 1}`;
      if (titles.has(name)) {
        throw new GoogleHttpError(400, `Invalid requests[${index}].addSheet: A sheet with the name "${name}" already exists. Please enter another name.`);
      }
      titles.add(name);
      return name;
    });
    const replies = added.map((name) => {
      const tab = this.newTab(name, []);
      book.tabs.push(tab);
      return { addSheet: { properties: this.tabProperties(book, tab) } };
    });
    return { spreadsheetId: book.id, replies };
  }

  private describe(book: Spreadsheet): Record<string, unknown> {
    return {
      spreadsheetId: book.id,
      properties: { title: book.title, locale: 'en_US', autoRecalc: 'ON_CHANGE', timeZone: 'Etc/GMT' },
      sheets: book.tabs.map((tab) => ({ properties: this.tabProperties(book, tab) })),
      spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${book.id}/edit`,
    };
  }

  private tabProperties(book: Spreadsheet, tab: SheetTab): Record<string, unknown> {
    const grid = gridSize(tab);
    return {
      sheetId: tab.sheetId,
      title: tab.title,
      index: book.tabs.indexOf(tab),
      sheetType: 'GRID',
      gridProperties: { rowCount: grid.rows, columnCount: grid.columns },
    };
  }

  private newTab(title: string, rows: SheetCell[][]): SheetTab {
    return { sheetId: this.nextSheetId++ * 1000, title, rows: rows.map((row) => [...row]) };
  }
}

/** A new tab is 1000 × 26 and grows to fit what is written, as in Sheets. */
function gridSize(tab: SheetTab): { rows: number; columns: number } {
  return { rows: Math.max(1000, tab.rows.length), columns: Math.max(26, ...tab.rows.map((row) => row.length)) };
}

function writeCell(value: unknown, input: 'RAW' | 'USER_ENTERED'): SheetCell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = String(value);
  if (input === 'RAW') return text;
  // USER_ENTERED parses what a person would type: this is how a note starting with "=" became a live formula.
  if (text.startsWith('=')) return { formula: text };
  if (text.startsWith("'")) return text.slice(1);
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return text;
}

function renderCell(cell: SheetCell, render: string): unknown {
  if (typeof cell === 'object') return render === 'FORMULA' ? cell.formula : '#ERROR!';
  if (render === 'FORMATTED_VALUE') return typeof cell === 'boolean' ? String(cell).toUpperCase() : String(cell);
  return cell;
}

function transpose(rows: unknown[][]): unknown[][] {
  const width = Math.max(0, ...rows.map((row) => row.length));
  return Array.from({ length: width }, (_, c) => rows.map((row) => row[c] ?? ''));
}

/** Sheets leaves out trailing empty cells of each row and trailing empty rows. */
function trim(rows: unknown[][]): unknown[][] {
  const trimmed = rows.map((row) => row.slice(0, row.findLastIndex((cell) => cell !== '' && cell !== undefined) + 1));
  return trimmed.slice(0, trimmed.findLastIndex((row) => row.length > 0) + 1);
}
