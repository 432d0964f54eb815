import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { decodeAttachmentCell } from '@pecunia/core';
import { mp3Bytes, pdfBytes, pngBytes, toBase64 } from '@pecunia/core/testing';
import { startTestServer, type TestServer } from '../testing/test-server';

const trade = (overrides: Record<string, unknown> = {}) => ({
  ticker: 'aapl',
  position_type: 'long',
  pnl: 185,
  entry_timestamp: '2026-03-02T09:41',
  exit_timestamp: '2026-03-02T10:15',
  notes: 'Clean breakout',
  ...overrides,
});

const narratives = readFileSync(path.join(__dirname, '../../../../packages/core/fixtures/trade-narratives.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { text: string; expected: Record<string, unknown> });

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(async () => {
  await api.close();
});

describe('POST /api/trades', () => {
  it('stores a PNG and an MP3 and appends one row whose file_links cell resolves to the stored files', async () => {
    const attachments = [
      { filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()) },
      { filename: 'note.mp3', mime_type: 'audio/mpeg', data: toBase64(mp3Bytes()) },
    ];
    const res = await api.request('/api/trades?sheet_id=media-journal&sheet_range=Journal!A1', { json: trade({ attachments }) });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.location).toEqual({ sheet_id: 'media-journal', tab: 'Journal', updated_range: 'Journal!A2:P2', row_number: 2 });
    expect(body.trade).toMatchObject({ ticker: 'AAPL', pnl: 185, entry_timestamp: '2026-03-02T09:41:00Z', user_id: 'local' });

    const refs = decodeAttachmentCell(body.trade.file_links);
    expect(refs.map((r) => r.mime_type)).toEqual(['image/png', 'audio/mpeg']);
    const served = await Promise.all(refs.map(async (r) => Buffer.from(await (await api.request(new URL(r.link).pathname)).arrayBuffer())));
    expect(served[0]!.equals(pngBytes())).toBe(true);
    expect(served[1]!.equals(mp3Bytes())).toBe(true);

    const list = await (await api.request('/api/trades?sheet_id=media-journal')).json();
    expect(list.trades).toHaveLength(1);
    expect(list.trades[0].file_links).toBe(body.trade.file_links);
  });

  it('answers 201 with JSON, its length and the Location of the trade, and no ETag (the body is not what the Location serves)', async () => {
    const res = await api.request('/api/trades?sheet_id=answer&sheet_range=Journal!A1', { json: trade() });
    expect(res.status).toBe(201);
    const text = await res.text();
    const body = JSON.parse(text) as { trade: { trade_id: string } };
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('location')).toBe(`/api/trades/${body.trade.trade_id}?sheet_id=answer&sheet_range=Journal%21A1`);
    const read = await api.request(res.headers.get('location')!);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { trade_id: string }).trade_id).toBe(body.trade.trade_id);
  });

  it('accepts a break-even trade', async () => {
    const res = await api.request('/api/trades?sheet_id=be', { json: trade({ pnl: 0 }) });
    expect(res.status).toBe(201);
    expect((await res.json()).trade.pnl).toBe(0);
  });

  it.each([
    ['pnl as a string and a negative quantity', { pnl: '185', quantity: -1 }],
    ['a missing ticker and an unknown side', { ticker: undefined, position_type: 'sideways' }],
    ['too many tags', { tags: Array.from({ length: 40 }, (_, i) => `t${i}`) }],
    ['exit before entry', { exit_timestamp: '2026-03-02T09:00' }],
  ])('words the problems of a trade with %s the same whether the body holds trade fields alone or a zone too', async (_name, overrides) => {
    // Trade fields alone are checked by core's schema only; with `timezone` the API's body schema checks first.
    const alone = await api.request('/api/trades?sheet_id=wording', { json: trade(overrides) });
    const withZone = await api.request('/api/trades?sheet_id=wording', { json: trade({ ...overrides, timezone: 'UTC' }) });
    expect([alone.status, withZone.status]).toEqual([400, 400]);
    const pick = ({ code, detail, issues }: { code: string; detail: string; issues: unknown }) => ({ code, detail, issues });
    const [a, b] = [pick(await alone.json()), pick(await withZone.json())];
    expect(a.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.any(String) })]));
    expect(a).toEqual(b);
    expect((await api.request('/api/trades?sheet_id=wording')).status).toBe(404);
  });

  it.each([
    ['no sheet_id', '/api/trades'],
    ['an unknown timezone', '/api/trades?sheet_id=order&timezone=Mars/Olympus'],
    ['an unbalanced sheet_range', "/api/trades?sheet_id=order&sheet_range='x"],
  ])("answers a trade's own problems before the query's (%s), whether the body holds trade fields alone or a zone too", async (_name, url) => {
    for (const json of [trade({ pnl: 'lots' }), trade({ pnl: 'lots', timezone: 'UTC' })]) {
      const res = await api.request(url, { json });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('TRADE.INVALID');
    }
    const valid = await api.request(url, { json: trade() });
    expect(valid.status).toBe(400);
    expect(((await valid.json()) as { code: string }).code).not.toBe('TRADE.INVALID');
  });

  it('reads a time without offset in the timezone the trader gives', async () => {
    const res = await api.request('/api/trades?sheet_id=tz&timezone=America/New_York', { json: trade() });
    expect((await res.json()).trade.entry_timestamp).toBe('2026-03-02T09:41:00-05:00');
  });

  it.each([
    ['malformed JSON', { body: '{"ticker": ', headers: { 'Content-Type': 'application/json' } }, '/api/trades?sheet_id=j', 400, 'BODY.MALFORMED_JSON'],
    ['a body that is not JSON', { body: 'ticker=AAPL', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, '/api/trades?sheet_id=j', 415, 'BODY.UNSUPPORTED_MEDIA_TYPE'],
    ['a JSON array', { json: [1, 2] }, '/api/trades?sheet_id=j', 400, 'BODY.NOT_AN_OBJECT'],
    ['pnl as a string', { json: trade({ pnl: '185' }) }, '/api/trades?sheet_id=j', 400, 'TRADE.INVALID'],
    ['a missing ticker', { json: trade({ ticker: undefined }) }, '/api/trades?sheet_id=j', 400, 'TRADE.INVALID'],
    ['exit before entry', { json: trade({ exit_timestamp: '2026-03-02T09:00' }) }, '/api/trades?sheet_id=j', 400, 'TRADE.INVALID'],
    ['an unknown field', { json: trade({ tickr: 'AAPL' }) }, '/api/trades?sheet_id=j', 400, 'TRADE.INVALID'],
    ['an unknown timezone', { json: trade({ timezone: 'Mars/Olympus' }) }, '/api/trades?sheet_id=j', 400, 'TRADE.INVALID'],
    ['no sheet_id', { json: trade() }, '/api/trades', 400, 'SHEET.INVALID_ID'],
    ['a sheet_id with SQL in it', { json: trade() }, "/api/trades?sheet_id=x';DROP%20TABLE%20journal_rows;--", 400, 'SHEET.INVALID_ID'],
    ['an invalid sheet range', { json: trade() }, '/api/trades?sheet_id=j&sheet_range=Journal!A1:B2:C3', 400, 'SHEET.INVALID_RANGE'],
    ['a PDF attachment', { json: trade({ attachments: [{ filename: 'r.pdf', mime_type: 'application/pdf', data: toBase64(pdfBytes()) }] }) }, '/api/trades?sheet_id=j', 400, 'ATTACHMENT.UNSUPPORTED_TYPE'],
    ['PDF bytes declared as PNG', { json: trade({ attachments: [{ filename: 'fake.png', mime_type: 'image/png', data: toBase64(pdfBytes()) }] }) }, '/api/trades?sheet_id=j', 400, 'ATTACHMENT.TYPE_MISMATCH'],
    ['invalid base64', { json: trade({ attachments: [{ filename: 'x.png', mime_type: 'image/png', data: '%%%' }] }) }, '/api/trades?sheet_id=j', 400, 'ATTACHMENT.INVALID_BASE64'],
  ])('rejects %s', async (_name, init, url, status, code) => {
    const res = await api.request(url, init as RequestInit & { json?: unknown });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await res.json();
    expect(problem).toMatchObject({ status, code, detail: expect.any(String), title: expect.any(String) });
  });

  it('stores a base64 attachment of some size the same however its JSON spells it, and replays it by Idempotency-Key', async () => {
    // Large enough that the route reads its base64 from the body's bytes rather than as a string.
    const chart = Buffer.concat([pngBytes(), randomBytes(300_000)]);
    const base64 = toBase64(chart);
    const json = (data: string) => JSON.stringify(trade({ attachments: [{ filename: 'chart.png', mime_type: 'image/png', data }] }));
    // Plain, as a data URL, with every slash escaped (as PHP writes JSON), with a space inside.
    const bodies = [json(base64), json(`data:image/png;base64,${base64}`), json(base64).replace(/\//g, '\\/'), json(`${base64.slice(0, 1000)} ${base64.slice(1000)}`)];

    const stored = [];
    for (const [i, body] of bodies.entries()) {
      const res = await api.request('/api/trades?sheet_id=big-json', { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `big-json-${i}` } });
      expect(res.status).toBe(201);
      stored.push((await res.json()).attachments[0]);
    }
    const again = await api.request('/api/trades?sheet_id=big-json', { json: trade({ attachments: [{ filename: 'chart.png', mime_type: 'image/png', data: base64 }] }), headers: { 'Idempotency-Key': 'big-json-0' } });

    expect(new Set(stored.map((m) => m.id)).size).toBe(1);
    expect(Buffer.from(await (await api.request(new URL(stored[0].link).pathname)).arrayBuffer()).equals(chart)).toBe(true);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await (await api.request('/api/trades?sheet_id=big-json')).json()).trades).toHaveLength(bodies.length);
  });

  it('names the file when an attachment is over 15 MB, and writes nothing', async () => {
    const big = Buffer.concat([pngBytes(), Buffer.alloc(15 * 1024 * 1024)]);
    const res = await api.request('/api/trades?sheet_id=big', { json: trade({ attachments: [{ filename: 'huge-chart.png', mime_type: 'image/png', data: toBase64(big) }] }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'ATTACHMENT.TOO_LARGE', detail: expect.stringContaining('huge-chart.png') });
    expect((await api.request('/api/trades?sheet_id=big')).status).toBe(404);
  });

  it('replays the first response for a retried Idempotency-Key and writes once', async () => {
    const init = { json: trade(), headers: { 'Idempotency-Key': 'retry-1' } };
    const first = await api.request('/api/trades?sheet_id=idem', init);
    const second = await api.request('/api/trades?sheet_id=idem', init);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toMatch(/^\/api\/trades\/[0-9a-f-]{36}\?sheet_id=idem$/);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await second.json()).toEqual(await first.json());
    const reused = await api.request('/api/trades?sheet_id=idem', { json: trade({ pnl: 1 }), headers: { 'Idempotency-Key': 'retry-1' } });
    expect(reused.status).toBe(422);
    expect((await reused.json()).code).toBe('IDEMPOTENCY.KEY_REUSED');
    expect((await (await api.request('/api/trades?sheet_id=idem')).json()).trades).toHaveLength(1);
  });
});

describe('GET /api/trades/{trade_id}', () => {
  it('serves the Location of a created trade, to its owner only', async () => {
    const created = await api.request('/api/trades?sheet_id=located&sheet_range=Swing!A1', { json: trade() });
    const location = created.headers.get('location')!;
    const { trade: stored } = await created.json();

    const read = await api.request(location);
    const stranger = await api.request(location, { key: await api.keyFor('stranger') });
    const missing = await api.request('/api/trades/not-a-trade?sheet_id=located&sheet_range=Swing!A1');

    expect(location).toBe(`/api/trades/${stored.trade_id}?sheet_id=located&sheet_range=Swing%21A1`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(stored);
    expect(stranger.status).toBe(404);
    expect((await stranger.json()).code).toBe('SHEET.NOT_FOUND');
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe('TRADE.NOT_FOUND');
  });

  it('gives a trade submitted as a narrative a Location too', async () => {
    const created = await api.request('/api/trades/submit?sheet_id=located-narrative', { json: { content: narratives[0]!.text } });

    const read = await api.request(created.headers.get('location')!);

    expect(read.status).toBe(200);
    expect((await read.json()).trade_id).toBe((await created.json()).trade.trade_id);
  });
});

describe('deeply nested JSON', () => {
  it.each([
    ['without', {}],
    ['with', { 'Idempotency-Key': 'deep-1' }],
  ])('is a 400 problem before it is parsed, %s an Idempotency-Key', async (_with, headers) => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;

    const res = await api.request('/api/trades?sheet_id=deep', { body: deep, headers: { 'Content-Type': 'application/json', ...headers } });

    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('BODY.TOO_DEEP');
  });
});

describe('Idempotency-Key when the client gives up', () => {
  /** Sends a raw request and, if asked, drops the connection shortly after the body is out. */
  function send(url: URL, body: string, headers: Record<string, string>, dropAfterMs?: number): Promise<{ status?: number; replayed?: string }> {
    return new Promise((resolve) => {
      const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, replayed: res.headers['idempotent-replayed'] as string | undefined }));
      });
      req.on('error', () => resolve({}));
      req.end(body, () => {
        if (dropAfterMs !== undefined) setTimeout(() => req.destroy(), dropAfterMs);
      });
    });
  }

  it('still writes once when the first attempt is dropped mid-request and retried with the same key', async () => {
    // Large attachments keep the handler busy after the body is received, so the drop lands while it works.
    const attachments = Array.from({ length: 8 }, (_, i) => ({ filename: `c${i}.png`, mime_type: 'image/png', data: toBase64(Buffer.concat([pngBytes(), randomBytes(1_000_000)])) }));
    const body = JSON.stringify(trade({ attachments }));
    const url = new URL('/api/trades?sheet_id=dropped', api.url);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${api.key}`, 'idempotency-key': 'dropped-1' };

    await send(url, body, headers, 20);
    let retry = await send(url, body, headers);
    for (let attempt = 0; retry.status === 409 && attempt < 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      retry = await send(url, body, headers);
    }

    expect(retry.status).toBe(201);
    const rows = await (await api.request('/api/trades?sheet_id=dropped')).json();
    expect(rows.trades).toHaveLength(1);
  });
});

describe('POST /api/trades/submit', () => {
  it.each(narratives.map((n) => [n.text, n.expected] as const))('extracts %s', async (text, expected) => {
    const res = await api.request('/api/trades/submit?sheet_id=narratives', { json: { content: text } });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.trade).toMatchObject({
      ticker: expected['ticker'],
      position_type: expected['position_type'],
      pnl: expected['pnl'],
      entry_timestamp: `${expected['entry_timestamp'] as string}:00Z`,
      exit_timestamp: `${expected['exit_timestamp'] as string}:00Z`,
      notes: text,
    });
  });

  it('asks for missing fields without writing, then completes with a follow-up; explicit fields win', async () => {
    const content = 'Bought some AAPL, sold it later for a nice gain';
    const first = await api.request('/api/trades/submit?sheet_id=followup', { json: { content } });
    expect(first.status).toBe(202);
    const pending = await first.json();
    expect(pending.status).toBe('needs_more_info');
    expect(pending.missing_fields).toEqual(expect.arrayContaining(['pnl', 'entry_timestamp', 'exit_timestamp']));
    expect(pending.fields).toMatchObject({ ticker: 'AAPL', position_type: 'long' });
    expect((await api.request('/api/trades?sheet_id=followup')).status).toBe(404);

    const second = await api.request('/api/trades/submit?sheet_id=followup', {
      json: { content, pnl: 120, entry_timestamp: '2026-03-02T09:30', exit_timestamp: '2026-03-02T11:00', ticker: 'msft' },
    });
    expect(second.status).toBe(201);
    expect((await second.json()).trade).toMatchObject({ ticker: 'MSFT', pnl: 120, position_type: 'long' });
  });

  it('rejects an empty narrative', async () => {
    const res = await api.request('/api/trades/submit?sheet_id=j', { json: { content: '  ' } });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('TRADE.INVALID');
  });
});

describe('GET /api/trades', () => {
  beforeAll(async () => {
    for (const day of ['01', '02', '03', '04']) {
      await api.request('/api/trades?sheet_id=listing', { json: trade({ entry_timestamp: `2026-04-${day}T10:00`, exit_timestamp: `2026-04-${day}T11:00` }) });
    }
  });

  it('filters by exit date inclusively and pages with a cursor', async () => {
    const first = await (await api.request('/api/trades?sheet_id=listing&from=2026-04-02&to=2026-04-04&limit=2')).json();
    expect(first.trades.map((t: { exit_timestamp: string }) => t.exit_timestamp.slice(0, 10))).toEqual(['2026-04-02', '2026-04-03']);
    const second = await (await api.request(`/api/trades?sheet_id=listing&from=2026-04-02&to=2026-04-04&limit=2&cursor=${first.next_cursor}`)).json();
    expect(second.trades.map((t: { exit_timestamp: string }) => t.exit_timestamp.slice(0, 10))).toEqual(['2026-04-04']);
    expect(second.next_cursor).toBeNull();
  });

  it.each([
    ['/api/trades?sheet_id=listing&from=2026-04-05&to=2026-04-01', 400, 'DATE_RANGE.START_AFTER_END'],
    ['/api/trades?sheet_id=listing&from=April', 400, 'DATE_RANGE.INVALID_DATE'],
    ['/api/trades?sheet_id=listing&limit=0', 400, 'REQUEST.INVALID_QUERY'],
    ['/api/trades?sheet_id=listing&cursor=bogus', 400, 'PAGINATION.INVALID_CURSOR'],
    ['/api/trades?sheet_id=never-written', 404, 'SHEET.NOT_FOUND'],
  ])('%s → %i %s', async (url, status, code) => {
    const res = await api.request(url);
    expect(res.status).toBe(status);
    expect((await res.json()).code).toBe(code);
  });
});
