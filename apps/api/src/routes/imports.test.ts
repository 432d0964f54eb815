import { startTestServer, type TestServer } from '../testing/test-server';

// Fills of two accounts: an AAPL long (gross +100, fees 2 → +98), an MES short (2 × 10 points × 5 = +100, fees 2.48 →
// +97.52), and a TSLA buy still open at the end.
const HEADER = 'Account,Symbol,Side,Qty,Price,Time,Commission,Multiplier,Execution ID';
const FILLS = [
  'U1,AAPL,Buy,100,10.00,2026-03-02 09:30:00,1.00,1,E1',
  'U1,AAPL,Sell,100,11.00,2026-03-02 10:00:00,1.00,1,E2',
  'U2,MESH6,Sell,2,5000.00,2026-03-02 10:05:00,1.24,5,E3',
  'U2,MESH6,Buy,2,4990.00,2026-03-02 10:20:00,1.24,5,E4',
  'U1,TSLA,Buy,10,200,2026-03-02 11:00:00,0.50,1,E5',
];
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\r\n')}\r\n`;

function form(parts: Array<[string, string] | ['file', string, string]>): FormData {
  const data = new FormData();
  for (const part of parts) {
    if (part.length === 3) data.append('file', new Blob([part[1]], { type: 'text/csv' }), part[2]);
    else data.append(part[0], part[1]);
  }
  return data;
}

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer({ IMPORT_MAX_FILE_MB: '0.05' });
});
afterAll(async () => {
  await api.close();
});

const post = (query: string, body: FormData | string, init: { key?: string } = {}) =>
  api.request(`/api/imports?${query}`, {
    method: 'POST',
    body,
    ...(typeof body === 'string' ? { headers: { 'Content-Type': 'application/json' } } : {}),
    ...init,
  });

describe('POST /api/imports', () => {
  it('pairs fills into net round trips, reports the open position, and writes nothing twice on a re-import', async () => {
    const first = await post('sheet_id=imports&timezone=America/New_York', form([['format', 'generic'], ['file', csv(...FILLS), 'fills.csv']]));
    expect(first.status).toBe(201);
    const result = await first.json();
    expect(result).toMatchObject({ format: 'generic', dry_run: false, pnl_basis: 'net', imported: 2, duplicates_skipped: 0, fill_count: 5, rejected_rows: [] });
    expect(result.trades.map((t: Record<string, unknown>) => [t['account'], t['position_type'], t['pnl'], t['quantity'], t['entry_timestamp']])).toEqual([
      ['U1', 'long', 98, 100, '2026-03-02T09:30:00-05:00'],
      ['U2', 'short', 97.52, 2, '2026-03-02T10:05:00-05:00'],
    ]);
    expect(result.open_positions).toEqual([expect.objectContaining({ account: 'U1', ticker: 'TSLA', position_type: 'long', quantity: 10, entry_price: 200 })]);

    const again = await post('sheet_id=imports&timezone=America/New_York', form([['file', csv(...FILLS), 'fills.csv']]));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ imported: 0, duplicates_skipped: 2 });

    // A later, overlapping export: the TSLA position closed. Only that round trip is new.
    const later = csv(...FILLS, 'U1,TSLA,Sell,10,205,2026-03-03 10:00:00,0.50,1,E6');
    const third = await (await post('sheet_id=imports&timezone=America/New_York', form([['file', later, 'fills-later.csv']]))).json();
    expect(third).toMatchObject({ imported: 1, duplicates_skipped: 2, open_positions: [] });
    expect(third.trades[0]).toMatchObject({ ticker: 'TSLA', pnl: 49, account: 'U1' });

    const journal = await (await api.request('/api/trades?sheet_id=imports')).json();
    expect(journal.trades).toHaveLength(3);
    const u1 = await (await api.request('/api/trades?sheet_id=imports&account=U1')).json();
    expect(u1.trades.map((t: { ticker: string }) => t.ticker)).toEqual(['AAPL', 'TSLA']);
  });

  it('takes the file as base64 JSON; a dry run answers the same and writes nothing', async () => {
    const body = JSON.stringify({ filename: 'fills.csv', data: Buffer.from(csv(...FILLS)).toString('base64'), timezone: 'America/New_York' });

    const res = await post('sheet_id=dry&dry_run=true', body);

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ format: 'generic', dry_run: true, imported: 2 });
    expect((await api.request('/api/trades?sheet_id=dry')).status).toBe(404);
  });

  it('imports the readable rows and lists the others with their line; strict=true refuses the whole file', async () => {
    const file = csv(FILLS[0]!, 'U1,AAPL,Sell,abc,11.00,2026-03-02 10:00:00,1.00,1,E2', FILLS[1]!);

    const lenient = await (await post('sheet_id=rejects&timezone=America/New_York', form([['file', file, 'bad.csv']]))).json();
    const strict = await post('sheet_id=strict&strict=true&timezone=America/New_York', form([['file', file, 'bad.csv']]));

    expect(lenient.imported).toBe(1);
    expect(lenient.rejected_rows).toEqual([{ line: 3, reason: expect.stringMatching(/quantity|qty/i) }]);
    expect(strict.status).toBe(400);
    expect(await strict.json()).toMatchObject({ code: 'IMPORT.ROWS_REJECTED', rejected_rows: [{ line: 3 }] });
    expect((await api.request('/api/trades?sheet_id=strict')).status).toBe(404);
  });

  it('reads a CSV with unusual headers through an explicit mapping, sent as form fields before the file', async () => {
    const file = ['Konto;Wert;Richtung;Stueck;Kurs;Zeitpunkt', 'D1;SAP;K;10;200;2026-03-02 09:00:00', 'D1;SAP;V;10;210;2026-03-02 15:00:00'].join('\n');
    const mapping = JSON.stringify({ account: 'Konto', symbol: 'Wert', side: 'Richtung', quantity: 'Stueck', price: 'Kurs', time: 'Zeitpunkt' });

    const unmapped = await post('sheet_id=mapped&dry_run=true', form([['file', file, 'depot.csv']]));
    const mapped = await post('sheet_id=mapped&timezone=Europe/Berlin', form([['format', 'generic'], ['mapping', mapping], ['file', file.replace(/;K;/, ';Buy;').replace(/;V;/, ';Sell;'), 'depot.csv']]));

    expect(unmapped.status).toBe(400);
    expect(mapped.status).toBe(201);
    // 10 × (210 - 200) = 100, no fee column.
    expect((await mapped.json()).trades).toEqual([
      expect.objectContaining({ ticker: 'SAP', account: 'D1', pnl: 100, entry_timestamp: '2026-03-02T09:00:00+01:00' }),
    ]);
  });

  it('refuses an unknown format, listing the known ones', async () => {
    const res = await post('sheet_id=x&format=metatrader9', form([['file', csv(...FILLS), 'fills.csv']]));

    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.code).toBe('IMPORT.UNKNOWN_FORMAT');
    expect(problem.known_formats).toEqual(['ibkr-flex', 'thinkorswim', 'tradovate', 'ninjatrader', 'webull', 'tradenote', 'generic']);
  });

  it('refuses a file nobody can read, with the known formats', async () => {
    const res = await post('sheet_id=x', form([['file', 'hello,world\r\n1,2\r\n', 'mystery.csv']]));

    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'IMPORT.UNKNOWN_FORMAT' });
  });

  it('refuses fields sent after the file, writing nothing', async () => {
    const res = await post('sheet_id=late', form([['file', csv(...FILLS), 'fills.csv'], ['account', 'U9']]));

    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'IMPORT.FIELDS_AFTER_FILE' });
    expect((await api.request('/api/trades?sheet_id=late')).status).toBe(404);
  });

  it('answers 400 without a file, 400 for bad base64, 413 beyond IMPORT_MAX_FILE_MB, 401 without a key', async () => {
    const noFile = await post('sheet_id=x', form([['format', 'generic']]));
    const badBase64 = await post('sheet_id=x', JSON.stringify({ filename: 'a.csv', data: '%%%not base64%%%' }));
    const big = csv(...Array.from({ length: 2000 }, (_, i) => `U1,AAPL,Buy,1,10,2026-03-02 09:30:00,0,1,B${i}`));
    const tooLarge = await post('sheet_id=x', form([['file', big, 'big.csv']]));
    const anonymous = await api.request('/api/imports?sheet_id=x', { method: 'POST', body: form([['file', csv(...FILLS), 'f.csv']]), key: null });

    expect([noFile.status, (await noFile.json()).code]).toEqual([400, 'IMPORT.FILE_MISSING']);
    expect([badBase64.status, (await badBase64.json()).code]).toEqual([400, 'IMPORT.INVALID_BASE64']);
    expect([tooLarge.status, (await tooLarge.json()).code]).toEqual([413, 'BODY.FILE_TOO_LARGE']);
    expect(anonymous.status).toBe(401);
  });

  it("keeps each user's imports to themselves", async () => {
    const bob = await api.keyFor('bob');
    await post('sheet_id=shared-name&timezone=America/New_York', form([['file', csv(...FILLS), 'fills.csv']]));

    const bobs = await (await post('sheet_id=shared-name&timezone=America/New_York', form([['file', csv(...FILLS), 'fills.csv']]), { key: bob })).json();

    // Bob's journal is his own: nothing of the first user's import counts as a duplicate for him.
    expect(bobs).toMatchObject({ imported: 2, duplicates_skipped: 0 });
  });
});
