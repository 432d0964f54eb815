import type { OAuth2Client } from 'google-auth-library';
import { NotFoundError, UpstreamError } from '../../errors';
import { startGoogleStandIn, type GoogleStandIn, type StandInCall } from '../../testing/google/google-standin';
import { expiredStandInClient, standInAuthProvider } from '../../testing/google/standin-auth';
import { describeJournalContract } from '../../testing/contracts/journal.contract';
import { READ_AHEAD_ROWS, SheetsJournal } from './sheets-journal';

const alice = { sub: '200000000000000000001', email: 'alice@example.com' };
const bob = { sub: '200000000000000000002', email: 'bob@example.com' };
const HEADER = ['trade_id', 'date', 'symbol', 'notes'];
const trade = (id: string, notes = '') => [id, '2026-01-02', 'AAPL', notes];

const isAppend = (c: StandInCall) => c.method === 'POST' && c.path.endsWith(':append');
const isValuesGet = (c: StandInCall) => c.method === 'GET' && c.path.includes('/values/');

describe('SheetsJournal', () => {
  let standIn: GoogleStandIn;
  beforeAll(async () => {
    standIn = await startGoogleStandIn();
  });
  afterAll(async () => {
    await standIn.close();
  });

  describeJournalContract('keeps the Journal contract against the Sheets stand-in', async () => {
    const { client } = expiredStandInClient(standIn, alice);
    const store = new SheetsJournal({ auth: standInAuthProvider({ alice: client }), endpoints: { apiRootUrl: standIn.url, fetch } });
    return { store, owner: 'alice', newSheet: async () => ({ sheetId: standIn.createSpreadsheet(alice, { tabs: { Journal: [] } }), tab: 'Journal' }) };
  });
});

describe('SheetsJournal against the Sheets stand-in', () => {
  let standIn: GoogleStandIn;
  let clients: Record<string, OAuth2Client>;
  let refreshTokens: Record<string, string>;
  let waits: number[];
  let journal: SheetsJournal;

  /** A spreadsheet of alice's with an empty Journal tab, and the calls made from now on. */
  const newSheet = (tabs: Record<string, (string | number | boolean)[][]> = { Journal: [] }) => {
    const sheetId = standIn.createSpreadsheet(alice, { tabs });
    const mark = standIn.calls.length;
    return { ref: { sheetId, tab: 'Journal' }, calls: () => standIn.calls.slice(mark) };
  };

  beforeAll(async () => {
    standIn = await startGoogleStandIn();
  });
  beforeEach(async () => {
    const forAlice = expiredStandInClient(standIn, alice);
    const forBob = expiredStandInClient(standIn, bob);
    clients = { alice: forAlice.client, bob: forBob.client };
    refreshTokens = { alice: forAlice.refreshToken, bob: forBob.refreshToken };
    waits = [];
    journal = new SheetsJournal({
      auth: standInAuthProvider(clients),
      endpoints: { apiRootUrl: standIn.url, fetch },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    // Refresh the expired tokens now, so each test counts only its own Sheets calls.
    await Promise.all(Object.values(clients).map((client) => client.getAccessToken()));
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('is named google-sheets and ready without calling Google', async () => {
    const mark = standIn.calls.length;

    await journal.ready();

    expect(journal.name).toBe('google-sheets');
    expect(standIn.calls.length).toBe(mark);
  });

  it('writes the header once, then rows, with exactly one RAW INSERT_ROWS append per call', async () => {
    const { ref, calls } = newSheet();

    const first = await journal.append('alice', ref, { header: HEADER, rows: [trade('t1')] });
    const second = await journal.append('alice', ref, { header: HEADER, rows: [trade('t2'), trade('t3')] });

    expect(first).toEqual({ updatedRange: 'Journal!A2:D2', rowNumbers: [2], headerWritten: true });
    expect(second).toEqual({ updatedRange: 'Journal!A3:D4', rowNumbers: [3, 4], headerWritten: false });
    expect(standIn.tabRows(ref.sheetId, 'Journal')).toEqual([HEADER, trade('t1'), trade('t2'), trade('t3')]);
    const appends = calls().filter(isAppend);
    expect(appends).toHaveLength(2);
    for (const append of appends) {
      expect(append).toMatchObject({ path: `/v4/spreadsheets/${ref.sheetId}/values/Journal!A1:append`, account: alice.sub });
      expect(append.query).toMatchObject({ valueInputOption: 'RAW', insertDataOption: 'INSERT_ROWS' });
    }
    expect(calls().map((c) => c.method)).toEqual(['GET', 'POST', 'GET', 'POST']);
  });

  it('keeps a note that looks like a formula as text', async () => {
    const { ref } = newSheet();
    const notes = ['=HYPERLINK("http://evil.example","click")', '+1', '-2', '@SUM(A1)'];

    await journal.append('alice', ref, { header: HEADER, rows: notes.map((note, i) => trade(`t${i}`, note)) });

    const stored = standIn.tabRows(ref.sheetId, 'Journal') ?? [];
    expect(stored.slice(1).map((row) => row[3])).toEqual(notes);
    expect((await journal.read('alice', ref))?.slice(1).map((row) => row[3])).toEqual(notes);
  });

  it('creates a missing tab before the first append, and quotes odd tab names', async () => {
    const { ref, calls } = newSheet({ Sheet1: [] });
    const tab = "Bob's trades 2026";

    const result = await journal.append('alice', { ...ref, tab }, { header: HEADER, rows: [trade('t1')] });

    expect(result).toEqual({ updatedRange: "'Bob''s trades 2026'!A2:D2", rowNumbers: [2], headerWritten: true });
    expect(calls().map((c) => `${c.method} ${c.path}`)).toEqual([
      `GET /v4/spreadsheets/${ref.sheetId}/values/'Bob''s trades 2026'!1:1`,
      `POST /v4/spreadsheets/${ref.sheetId}:batchUpdate`,
      `POST /v4/spreadsheets/${ref.sheetId}/values/'Bob''s trades 2026'!A1:append`,
    ]);
    expect(standIn.tabRows(ref.sheetId, tab)).toEqual([HEADER, trade('t1')]);
  });

  it('appends below an existing sheet without writing a header (a sheet the earlier service wrote)', async () => {
    const { ref } = newSheet({ Journal: [['2025-12-01', 'MSFT', 'long']] });

    const result = await journal.append('alice', ref, { header: HEADER, rows: [trade('t1')] });

    expect(result).toEqual({ updatedRange: 'Journal!A2:D2', rowNumbers: [2], headerWritten: false });
  });

  it('reads a tab with one values.get, numbers and booleans as text, ragged rows padded', async () => {
    const { ref, calls } = newSheet({ Journal: [['trade_id', 'qty', 'win', 'notes'], ['t1', 10, true], ['t2', 2.5, false, 'ok'], []] });

    const rows = await journal.read('alice', ref);

    expect(rows).toEqual([
      ['trade_id', 'qty', 'win', 'notes'],
      ['t1', '10', 'true', ''],
      ['t2', '2.5', 'false', 'ok'],
    ]);
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatchObject({
      method: 'GET',
      path: `/v4/spreadsheets/${ref.sheetId}/values/Journal`,
      query: { valueRenderOption: 'UNFORMATTED_VALUE', dateTimeRenderOption: 'FORMATTED_STRING', majorDimension: 'ROWS' },
    });
  });

  it('reads an empty tab as no rows, and a missing spreadsheet or tab as null', async () => {
    const { ref } = newSheet();

    const empty = await journal.read('alice', ref);
    const missingTab = await journal.read('alice', { ...ref, tab: 'Nope' });
    const missingSheet = await journal.read('alice', { sheetId: 'no-such-spreadsheet', tab: 'Journal' });

    expect([empty, missingTab, missingSheet]).toEqual([[], null, null]);
  });

  it('retries a rate-limited append after Retry-After and writes it once', async () => {
    const { ref, calls } = newSheet();
    standIn.failNext({ method: 'POST', pathPattern: ':append', status: 429, headers: { 'Retry-After': '1' } });

    const result = await journal.append('alice', ref, { header: HEADER, rows: [trade('t1')] });

    expect(result.rowNumbers).toEqual([2]);
    expect(waits).toEqual([1000]);
    expect(calls().filter(isAppend).map((c) => c.status)).toEqual([429, 200]);
    expect(standIn.tabRows(ref.sheetId, 'Journal')).toEqual([HEADER, trade('t1')]);
  });

  it('gives up after three rate-limited tries with the wait Sheets asked for', async () => {
    const { ref, calls } = newSheet();
    standIn.failNext({ method: 'POST', pathPattern: ':append', status: 429, headers: { 'Retry-After': '2' }, times: 3 });

    const error = await journal.append('alice', ref, { header: HEADER, rows: [trade('t1')] }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: 'JOURNAL.RATE_LIMITED', status: 503, retryAfterMs: 2000 });
    expect(calls().filter(isAppend)).toHaveLength(3);
    expect(waits).toEqual([2000, 2000]);
    expect(standIn.tabRows(ref.sheetId, 'Journal')).toEqual([]);
  });

  it('finds a row that a failed (500) append had in fact written, and does not write it again', async () => {
    const { ref, calls } = newSheet();
    await journal.append('alice', ref, { header: HEADER, rows: [trade('t1')] });
    standIn.failNext({ method: 'POST', pathPattern: ':append', status: 500, applied: true });

    const result = await journal.append('alice', ref, { header: HEADER, rows: [trade('t2')] });

    expect(result).toEqual({ updatedRange: 'Journal!A3:D3', rowNumbers: [3], headerWritten: false });
    expect(standIn.tabRows(ref.sheetId, 'Journal')).toEqual([HEADER, trade('t1'), trade('t2')]);
    expect(calls().filter(isAppend)).toHaveLength(2);
    expect(calls().at(-1)).toMatchObject({ method: 'GET', path: `/v4/spreadsheets/${ref.sheetId}/values/Journal` });
  });

  it('sends once more when the read-back shows a failed append was not written', async () => {
    const { ref, calls } = newSheet();
    standIn.failNext({ method: 'POST', pathPattern: ':append', status: 503 });

    const result = await journal.append('alice', ref, { header: HEADER, rows: [trade('t1')] });

    expect(result).toEqual({ updatedRange: 'Journal!A2:D2', rowNumbers: [2], headerWritten: true });
    expect(calls().filter(isAppend).map((c) => c.status)).toEqual([503, 200]);
    expect(standIn.tabRows(ref.sheetId, 'Journal')).toEqual([HEADER, trade('t1')]);
  });

  it('treats a dropped connection as an unknown outcome too', async () => {
    const { ref } = newSheet();
    standIn.failNext({ method: 'POST', pathPattern: ':append', dropConnection: true, applied: true });

    const result = await journal.append('alice', ref, { header: HEADER, rows: [trade('t1')] });

    expect(result).toEqual({ updatedRange: 'Journal!A2:D2', rowNumbers: [2], headerWritten: true });
    expect(standIn.tabRows(ref.sheetId, 'Journal')).toEqual([HEADER, trade('t1')]);
  });

  it('does not send again when the sheet cannot be read back after a failed append', async () => {
    const { ref, calls } = newSheet();
    standIn.failNext({ method: 'POST', pathPattern: ':append', status: 500, applied: true });
    standIn.failNext({ method: 'GET', pathPattern: /\/values\/Journal$/, status: 503 });

    const attempt = journal.append('alice', ref, { header: HEADER, rows: [trade('t1')] });

    await expect(attempt).rejects.toMatchObject({ code: 'JOURNAL.UNKNOWN_OUTCOME' });
    expect(calls().filter(isAppend)).toHaveLength(1);
    expect(standIn.tabRows(ref.sheetId, 'Journal')).toEqual([HEADER, trade('t1')]);
  });

  it('refuses to guess when the rows carry no trade_id to look for', async () => {
    const { ref, calls } = newSheet();
    standIn.failNext({ method: 'POST', pathPattern: ':append', status: 500 });

    const attempt = journal.append('alice', ref, { header: ['date', 'symbol'], rows: [['2026-01-02', 'AAPL']] });

    await expect(attempt).rejects.toMatchObject({ code: 'JOURNAL.UNKNOWN_OUTCOME' });
    expect(calls().filter(isAppend)).toHaveLength(1);
  });

  it('asks the trader to share the sheet when Google says 403', async () => {
    const bobsSheet = standIn.createSpreadsheet(bob, { tabs: { Journal: [] } });

    const error = await journal.read('alice', { sheetId: bobsSheet, tab: 'Journal' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'JOURNAL.FORBIDDEN', status: 403 });
    expect((error as Error).message).toMatch(/share it/);
  });

  it('reads a sheet another account shared with the trader', async () => {
    const bobsSheet = standIn.createSpreadsheet(bob, { tabs: { Journal: [['trade_id'], ['b1']] } });
    standIn.shareSpreadsheet(bobsSheet, alice);

    const rows = await journal.read('alice', { sheetId: bobsSheet, tab: 'Journal' });

    expect(rows).toEqual([['trade_id'], ['b1']]);
  });

  it('reports an append to a missing spreadsheet as not found', async () => {
    const attempt = journal.append('alice', { sheetId: 'no-such-spreadsheet', tab: 'Journal' }, { header: HEADER, rows: [trade('t1')] });

    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempt).rejects.toMatchObject({ code: 'JOURNAL.SHEET_NOT_FOUND' });
  });

  it('maps 5xx on read to a retryable error with Retry-After, after one request', async () => {
    const { ref, calls } = newSheet();
    standIn.failNext({ method: 'GET', pathPattern: '/values/', status: 503, headers: { 'Retry-After': '3' } });

    const error = await journal.read('alice', ref).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'JOURNAL.UNAVAILABLE', status: 503, retryAfterMs: 3000 });
    expect(calls().filter(isValuesGet)).toHaveLength(1);
  });

  it('hands over the provider’s reconnect error when the grant was revoked, not a 502', async () => {
    const { ref } = newSheet();
    standIn.revokeRefreshToken(refreshTokens.alice ?? '');

    const error = await journal.read('alice', ref).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'OAUTH.RECONNECT_REQUIRED', status: 401, name: 'UnauthorizedError' });
  });

  it('validates rows before calling Google', async () => {
    const { ref, calls } = newSheet();

    await expect(journal.append('alice', ref, { header: HEADER, rows: [] })).rejects.toMatchObject({ code: 'JOURNAL.NO_ROWS' });
    await expect(journal.append('alice', ref, { header: HEADER, rows: [[1 as unknown as string]] })).rejects.toMatchObject({
      code: 'JOURNAL.INVALID_CELL',
    });
    await expect(journal.append('alice', { ...ref, tab: '' }, { header: HEADER, rows: [trade('t1')] })).rejects.toMatchObject({
      code: 'JOURNAL.INVALID_REF',
    });
    expect(calls()).toEqual([]);
  });

  it('reads a window and row 1 with one values.batchGet, reading ahead to tell whether the tab goes on', async () => {
    const rows = [['trade_id', 'qty'], ...Array.from({ length: 60 }, (_, i) => [`t${i + 2}`, i])];
    const { ref, calls } = newSheet({ Journal: rows });

    const window = await journal.readRows('alice', ref, { from: 11, limit: 5 });

    expect(window).toEqual({ header: ['trade_id', 'qty'], rows: [11, 12, 13, 14, 15].map((n) => ({ rowNumber: n, cells: [`t${n}`, String(n - 2)] })), more: true });
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatchObject({
      method: 'GET',
      path: `/v4/spreadsheets/${ref.sheetId}/values:batchGet`,
      query: { valueRenderOption: 'UNFORMATTED_VALUE', dateTimeRenderOption: 'FORMATTED_STRING', majorDimension: 'ROWS' },
    });
  });

  it('reads on past a run of empty rows shorter than the read-ahead, and ends the tab at a longer one', async () => {
    const gap = (n: number) => Array.from({ length: n }, () => []);
    const { ref } = newSheet({ Journal: [['trade_id'], ['t2'], ...gap(READ_AHEAD_ROWS - 1), ['after a short gap'], ...gap(READ_AHEAD_ROWS), ['after a long gap']] });

    const short = await journal.readRows('alice', ref, { from: 2, limit: 1 });
    const long = await journal.readRows('alice', ref, { from: READ_AHEAD_ROWS + 2, limit: 1 });

    expect(short?.more).toBe(true);
    expect(long).toMatchObject({ rows: [{ rowNumber: READ_AHEAD_ROWS + 2, cells: ['after a short gap'] }], more: false });
  });

  it('answers a window below the grid (rows deleted since) with no rows', async () => {
    const { ref, calls } = newSheet({ Journal: [['trade_id'], ['t2']] });

    const window = await journal.readRows('alice', ref, { from: 5_000, limit: 50 });

    expect(window).toEqual({ header: ['trade_id'], rows: [], more: false });
    expect(calls().map((c) => c.status)).toEqual([400, 200]);
  });
});
