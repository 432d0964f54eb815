// Journal of Google mode: the trader's own spreadsheet — one RAW values.append per trade, one values.get per read, one
// values.batchGet per window of rows.
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import type { OAuth2Client } from 'google-auth-library';
import { a1Range, a1Tab } from '../../domain/sheet-range';
import { isPecuniaError, NotFoundError, UpstreamError, ValidationError } from '../../errors';
import {
  isRowWindow,
  UNKNOWN_OUTCOME,
  type AppendRequest,
  type AppendResult,
  type Journal,
  type JournalRow,
  type RowWindow,
  type RowWindowRequest,
  type SheetRef,
} from '../../ports/journal.port';
import { apiOptions, describeFailure, withClient } from './google-api-call';
import type { GoogleAuthProvider, GoogleEndpoints } from './google-auth';

export interface SheetsJournalOptions {
  auth: GoogleAuthProvider;
  endpoints?: GoogleEndpoints;
  /** Waits before retrying a rate-limited append; tests pass one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

/** Tries of one append when Sheets answers 429 (a 429 was not applied, so trying again cannot duplicate). */
export const APPEND_TRIES = 3;
const DEFAULT_WAIT_MS = 1_000;
/** A longer Retry-After goes back to the caller (the workflow's retry waits) instead of holding the request open. */
const MAX_WAIT_MS = 30_000;
const TRADE_ID = 'trade_id';
/**
 * Rows read past a window to tell whether the tab goes on: Sheets leaves out trailing empty rows, so only data after the
 * window shows that there is more. A run of empty rows longer than this ends the tab for paged reads.
 */
export const READ_AHEAD_ROWS = 100;
const READ_OPTIONS = { majorDimension: 'ROWS', valueRenderOption: 'UNFORMATTED_VALUE', dateTimeRenderOption: 'FORMATTED_STRING' } as const;

type Api = sheets_v4.Sheets;
type Action = 'append' | 'read';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SheetsJournal implements Journal {
  readonly name = 'google-sheets';

  private readonly apis = new WeakMap<OAuth2Client, Api>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SheetsJournalOptions) {
    this.sleep = options.sleep ?? sleep;
  }

  async append(owner: string, ref: SheetRef, request: AppendRequest): Promise<AppendResult> {
    checkRequest(request);
    return this.call(owner, ref, 'append', async (api) => {
      const empty = await this.prepareTab(api, ref);
      if (empty && request.header.length === 0) {
        throw new ValidationError('JOURNAL.NO_HEADER', 'The first append to a tab needs a header.', { tab: ref.tab });
      }
      return this.appendRows(api, ref, request, empty);
    });
  }

  async read(owner: string, ref: SheetRef): Promise<string[][] | null> {
    return this.call(owner, ref, 'read', (api) => this.readTab(api, ref));
  }

  async readRows(owner: string, ref: SheetRef, window: RowWindowRequest): Promise<RowWindow | null> {
    if (!isRowWindow(window)) {
      throw new ValidationError('JOURNAL.INVALID_WINDOW', 'A row window needs a whole `from` of at least 1 and a `limit` from 1 to 10000.');
    }
    return this.call(owner, ref, 'read', (api) => this.readWindow(api, ref, window));
  }

  /** Nothing to probe without a user: every call needs a trader's token, and a failing Sheets shows on their request. */
  async ready(): Promise<void> {}

  /** Whether the tab's first row is empty (then the header goes first); creates the tab when it is missing. */
  private async prepareTab(api: Api, ref: SheetRef, created = false): Promise<boolean> {
    try {
      const { data } = await api.spreadsheets.values.get({ spreadsheetId: ref.sheetId, range: `${a1Tab(ref.tab)}!1:1` });
      return !(data.values?.[0] ?? []).some((cell: unknown) => cell !== '' && cell !== null && cell !== undefined);
    } catch (error) {
      if (created || !isMissingTab(error)) throw error;
    }
    // Sheets answers an append to a missing tab with 400 "Unable to parse range" rather than creating it. The trader
    // names the tab in sheet_range, and like the local journal the first append to a new tab makes it.
    try {
      await api.spreadsheets.batchUpdate({
        spreadsheetId: ref.sheetId,
        requestBody: { requests: [{ addSheet: { properties: { title: ref.tab } } }] },
      });
      return true;
    } catch (error) {
      // A concurrent append created it first: it may already hold that append's header, so look again.
      if (!/already exists/i.test(describeFailure(error).message)) throw error;
      return this.prepareTab(api, ref, true);
    }
  }

  /**
   * Exactly one append call per try, header and rows together so they land as one block. A 429 was not applied and is
   * retried after its Retry-After. A 5xx or a lost connection may have been applied: the tab is read back and the
   * rows looked for by trade_id before anything is sent again.
   */
  private async appendRows(api: Api, ref: SheetRef, request: AppendRequest, empty: boolean): Promise<AppendResult> {
    let withHeader = empty;
    let rateLimited = 0;
    let resent = false;
    for (;;) {
      const values = (withHeader ? [request.header, ...request.rows] : request.rows).map((row) => [...row]);
      try {
        const { data } = await api.spreadsheets.values.append({
          spreadsheetId: ref.sheetId,
          range: `${a1Tab(ref.tab)}!A1`,
          // RAW: a note starting with "=", "+", "-" or "@" stays text (USER_ENTERED ran it as a formula).
          valueInputOption: 'RAW',
          insertDataOption: 'INSERT_ROWS',
          requestBody: { majorDimension: 'ROWS', values },
        });
        return appendResult(ref, data, withHeader, request.rows.length);
      } catch (error) {
        const failure = describeFailure(error);
        if (failure.status === 429 && ++rateLimited < APPEND_TRIES) {
          const wait = failure.retryAfterMs ?? DEFAULT_WAIT_MS * rateLimited;
          if (wait > MAX_WAIT_MS) throw error;
          await this.sleep(wait);
          continue;
        }
        if (!outcomeUnknown(error)) throw error;
        const tab = (await this.readBack(api, ref, error)) ?? [];
        const found = findAppended(ref, tab, request, withHeader, error);
        if (found) return found;
        if (resent) throw error;
        resent = true;
        // Not written: send again, with the header only if the tab is still empty (another append may have come first).
        withHeader = (tab[0] ?? []).every((cell) => cell === '');
      }
    }
  }

  /**
   * The tab after an append of unknown outcome. If it cannot be read, the failure becomes UNKNOWN_OUTCOME rather than a
   * retryable error, which the workflow (or `withClient`'s retry after a refused token) would answer by resending.
   */
  private async readBack(api: Api, ref: SheetRef, appendError: unknown): Promise<string[][] | null> {
    try {
      return await this.readTab(api, ref);
    } catch (error) {
      throw new UpstreamError(
        UNKNOWN_OUTCOME,
        'Google Sheets failed during the append and the sheet could not be read back to tell whether the rows were written; check it before sending the trade again.',
        new AggregateError([appendError, error]),
        502,
      );
    }
  }

  /** Row 1 and the window (plus the read-ahead) in one values.batchGet; null when the sheet or tab is missing. */
  private async readWindow(api: Api, ref: SheetRef, window: RowWindowRequest): Promise<RowWindow | null> {
    const tab = a1Tab(ref.tab);
    const last = window.from + window.limit - 1;
    let ranges: sheets_v4.Schema$ValueRange[];
    try {
      const { data } = await api.spreadsheets.values.batchGet({
        spreadsheetId: ref.sheetId,
        ranges: [`${tab}!1:1`, `${tab}!${window.from}:${last + READ_AHEAD_ROWS}`],
        ...READ_OPTIONS,
      });
      ranges = data.valueRanges ?? [];
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.status === 404 || isMissingTab(error)) return null;
      // The window starts below the tab's grid (rows were deleted since a cursor pointed there): it holds nothing.
      if (failure.status === 400 && /exceeds grid limits/i.test(failure.message)) return this.readHeader(api, ref);
      throw error;
    }
    const header = (ranges[0]?.values?.[0] ?? []).map(cellText);
    const values = ranges[1]?.values ?? [];
    const first = firstRowOf(ranges[1]?.range) ?? window.from;
    const rows: JournalRow[] = [];
    values.forEach((row, i) => {
      const rowNumber = first + i;
      if (rowNumber <= last && row.length > 0) rows.push({ rowNumber, cells: row.map(cellText) });
    });
    // Trailing empty rows are left out, so a row past the window in the answer means data after it.
    return { header, rows, more: first + values.length - 1 > last };
  }

  private async readHeader(api: Api, ref: SheetRef): Promise<RowWindow> {
    const { data } = await api.spreadsheets.values.get({ spreadsheetId: ref.sheetId, range: `${a1Tab(ref.tab)}!1:1`, ...READ_OPTIONS });
    return { header: (data.values?.[0] ?? []).map(cellText), rows: [], more: false };
  }

  /** One values.get of the whole tab, every cell as text, ragged rows padded; null when the sheet or tab is missing. */
  private async readTab(api: Api, ref: SheetRef): Promise<string[][] | null> {
    let values: unknown[][];
    try {
      const { data } = await api.spreadsheets.values.get({
        spreadsheetId: ref.sheetId,
        range: a1Tab(ref.tab),
        majorDimension: 'ROWS',
        valueRenderOption: 'UNFORMATTED_VALUE',
        dateTimeRenderOption: 'FORMATTED_STRING',
      });
      values = data.values ?? [];
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.status === 404 || isMissingTab(error)) return null;
      throw error;
    }
    const width = Math.max(0, ...values.map((row) => row.length));
    return values.map((row) => Array.from({ length: width }, (_, i) => cellText(row[i])));
  }

  private api(client: OAuth2Client): Api {
    let api = this.apis.get(client);
    if (!api) {
      api = sheets({ version: 'v4', auth: client, ...apiOptions(this.options.endpoints) });
      this.apis.set(client, api);
    }
    return api;
  }

  private async call<T>(owner: string, ref: SheetRef, action: Action, run: (api: Api) => Promise<T>): Promise<T> {
    checkRef(owner, ref);
    try {
      return await withClient(this.options.auth, owner, (client) => run(this.api(client)));
    } catch (error) {
      throw journalError(error, ref, action);
    }
  }
}

function checkRef(owner: string, ref: SheetRef): void {
  for (const [field, value] of [['owner', owner], ['sheetId', ref.sheetId], ['tab', ref.tab]] as const) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new ValidationError('JOURNAL.INVALID_REF', `The ${field} of a journal reference must be a non-empty string.`, { field });
    }
  }
}

function checkRequest(request: AppendRequest): void {
  if (!Array.isArray(request.rows) || request.rows.length === 0) {
    throw new ValidationError('JOURNAL.NO_ROWS', 'An append needs at least one row.');
  }
  const rows: [string, unknown][] = [['header', request.header], ...request.rows.map((row, i): [string, unknown] => [`row ${i + 1}`, row])];
  for (const [where, row] of rows) {
    if (!Array.isArray(row)) throw new ValidationError('JOURNAL.INVALID_ROW', `The ${where} of an append must be an array of strings.`, { where });
    const column = row.findIndex((cell: unknown) => typeof cell !== 'string');
    if (column !== -1) {
      throw new ValidationError('JOURNAL.INVALID_CELL', `Every cell must be a string (${where}, column ${column + 1}).`, { where, column: column + 1 });
    }
  }
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  return typeof cell === 'string' ? cell : String(cell);
}

/** The first row of an answered range such as `'My tab'!A2:Z152`. */
function firstRowOf(range: string | null | undefined): number | undefined {
  const cells = range?.slice(range.lastIndexOf('!') + 1) ?? '';
  const row = /^\$?[A-Z]*\$?(\d+)/i.exec(cells)?.[1];
  return row === undefined ? undefined : Number(row);
}

function isMissingTab(error: unknown): boolean {
  const failure = describeFailure(error);
  return failure.status === 400 && /unable to parse range/i.test(failure.message);
}

/** A 5xx, or no answer at all from a request that did go out: Sheets may or may not have written the rows. */
function outcomeUnknown(error: unknown): boolean {
  if (isPecuniaError(error) || typeof (error as { config?: unknown } | null)?.config !== 'object') return false;
  const { status } = describeFailure(error);
  return status === undefined || status >= 500;
}

/** `'My tab'!A5:O7` from `updates.updatedRange`: the rows written, minus the header when it went first. */
function appendResult(ref: SheetRef, data: sheets_v4.Schema$AppendValuesResponse, withHeader: boolean, count: number): AppendResult {
  const range = /!\$?[A-Z]+\$?(\d+)(?::\$?[A-Z]+\$?(\d+))?$/i.exec(data.updates?.updatedRange ?? '');
  if (!range?.[1]) {
    throw new UpstreamError(UNKNOWN_OUTCOME, 'Google Sheets wrote the rows but did not say where; check the sheet before sending the trade again.', undefined, 502);
  }
  const last = Number(range[2] ?? range[1]);
  const first = last - count + 1;
  const rowNumbers = Array.from({ length: count }, (_, i) => first + i);
  const width = data.updates?.updatedColumns ?? 1;
  return { updatedRange: a1Range(ref.tab, first, last, width), rowNumbers, headerWritten: withHeader };
}

/** The request's rows in the tab, found by trade_id; null when none is there; refuses to guess when that cannot be told. */
function findAppended(ref: SheetRef, tab: string[][], request: AppendRequest, withHeader: boolean, cause: unknown): AppendResult | null {
  const column = request.header.indexOf(TRADE_ID);
  const ids = request.rows.map((row) => (column === -1 ? '' : (row[column] ?? '')));
  if (ids.some((id) => id === '')) {
    throw new UpstreamError(
      UNKNOWN_OUTCOME,
      'Google Sheets failed during the append and the rows carry no trade_id to tell whether they were written; check the sheet before sending the trade again.',
      cause,
      502,
    );
  }
  const rowNumbers = ids.map((id) => tab.findLastIndex((row) => row[column] === id) + 1);
  if (rowNumbers.every((n) => n === 0)) return null;
  if (rowNumbers.some((n) => n === 0)) {
    throw new UpstreamError(UNKNOWN_OUTCOME, 'Google Sheets failed during the append and only part of the rows are in the sheet; check it before sending the trade again.', cause, 502);
  }
  const width = Math.max(1, ...request.rows.map((row) => row.length));
  const headerWritten = withHeader && rowNumbers[0] === 2 && request.header.every((cell, i) => tab[0]?.[i] === cell);
  return { updatedRange: a1Range(ref.tab, Math.min(...rowNumbers), Math.max(...rowNumbers), width), rowNumbers, headerWritten };
}

function journalError(error: unknown, ref: SheetRef, action: Action): unknown {
  if (isPecuniaError(error)) return error;
  const failure = describeFailure(error);
  const { status, retryAfterMs } = failure;
  if (status === 403) {
    return new UpstreamError(
      'JOURNAL.FORBIDDEN',
      `Google refused access to spreadsheet ${ref.sheetId}: share it with the Google account you connected, or reconnect Google to grant access to Sheets.`,
      error,
      403,
    );
  }
  if (status === 404) {
    return new NotFoundError('JOURNAL.SHEET_NOT_FOUND', `Spreadsheet ${ref.sheetId} is not in the connected Google account; check sheet_id.`, { sheet_id: ref.sheetId });
  }
  if (status === 429) {
    return new UpstreamError('JOURNAL.RATE_LIMITED', `Google Sheets is limiting requests; the ${action} can be retried later.`, error, 503, { retryAfterMs });
  }
  if (status === undefined || status >= 500) {
    return new UpstreamError('JOURNAL.UNAVAILABLE', `Google Sheets is unavailable (${failure.message}); the ${action} can be retried later.`, error, 503, { retryAfterMs });
  }
  return new UpstreamError('JOURNAL.REJECTED', `Google Sheets refused the ${action}: ${failure.message}`, error, 502);
}
