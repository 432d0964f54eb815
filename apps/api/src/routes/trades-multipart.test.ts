import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { decodeAttachmentCell, MAX_ATTACHMENT_BYTES } from '@pecunia/core';
import { mp3Bytes, pdfBytes, pngBytes } from '@pecunia/core/testing';
import { startTestServer, type TestServer } from '../testing/test-server';

const trade = (overrides: Record<string, unknown> = {}) => ({
  ticker: 'aapl',
  position_type: 'long',
  pnl: 185,
  entry_timestamp: '2026-03-02T09:41',
  exit_timestamp: '2026-03-02T10:15',
  ...overrides,
});

interface Part {
  name: string;
  /** A text field; without `filename`, also how a file part's JSON is given. */
  value?: string;
  filename?: string;
  type?: string;
  data?: Uint8Array;
}

const tradePart = (fields: unknown = trade()): Part => ({ name: 'trade', value: JSON.stringify(fields), type: 'application/json' });
const file = (filename: string, type: string, data: Uint8Array): Part => ({ name: 'attachments', filename, type, data });
/** A PNG of `size` bytes: a real signature, then `fill`, so that two files differ by their fill. */
const png = (size: number, fill = 0) => Buffer.concat([pngBytes(), Buffer.alloc(Math.max(0, size - pngBytes().length), fill)]);

/** A multipart body written by hand, so that tests choose the order of parts, the boundary, and where it stops. */
function formBody(parts: Part[], options: { boundary?: string; closed?: boolean } = {}): { body: Buffer; contentType: string } {
  const boundary = options.boundary ?? `----test${randomBytes(8).toString('hex')}`;
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    const type = part.type ? `\r\nContent-Type: ${part.type}` : '';
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`), Buffer.from(part.data ?? part.value ?? ''), Buffer.from('\r\n'));
  }
  if (options.closed !== false) pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Waits for `done` to hold, checking every 10 ms; fails after 500 checks rather than hang. */
async function until(done: () => boolean): Promise<void> {
  for (let check = 0; !done(); check++) {
    if (check === 500) throw new Error('the server never got there');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(async () => {
  await api.close();
});

const post = (url: string, parts: Part[], options: { boundary?: string; closed?: boolean; headers?: Record<string, string> } = {}) => {
  const { body, contentType } = formBody(parts, options);
  return api.request(url, { method: 'POST', body, headers: { 'Content-Type': contentType, ...options.headers } });
};

/** Every file in a media folder (blobs and temporary files alike). */
const mediaFiles = (server: TestServer) => {
  const dir = path.join(server.dataDir, 'media');
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort() : [];
};

describe('POST /api/trades as multipart/form-data', () => {
  it('stores the files of a form, each as it arrives, and appends one row linking them', async () => {
    const chart = png(300_000, 7);

    const res = await post('/api/trades?sheet_id=form-journal', [tradePart(trade({ notes: 'From a form' })), file('chart.png', 'image/png', chart), file('note.mp3', 'audio/mpeg', mp3Bytes())]);

    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.trade).toMatchObject({ ticker: 'AAPL', notes: 'From a form', entry_timestamp: '2026-03-02T09:41:00Z' });
    expect(res.headers.get('location')).toBe(`/api/trades/${body.trade.trade_id}?sheet_id=form-journal`);
    const refs = decodeAttachmentCell(body.trade.file_links);
    expect(refs.map((r) => r.mime_type)).toEqual(['image/png', 'audio/mpeg']);
    const served = await Promise.all(refs.map(async (r) => Buffer.from(await (await api.request(new URL(r.link).pathname)).arrayBuffer())));
    expect(served[0]!.equals(chart)).toBe(true);
    expect(served[1]!.equals(mp3Bytes())).toBe(true);
    expect(body.attachments.map((a: { filename: string }) => a.filename)).toEqual(['chart.png', 'note.mp3']);
  });

  it('takes the trade part as a file too, and a form from FormData with the timezone in the trade', async () => {
    const form = new FormData();
    form.append('trade', new Blob([JSON.stringify(trade({ timezone: 'America/New_York' }))], { type: 'application/json' }), 'trade.json');
    form.append('attachments', new Blob([pngBytes()], { type: 'image/png' }), 'chart.png');

    const res = await api.request('/api/trades?sheet_id=form-data', { method: 'POST', body: form });

    expect(res.status).toBe(201);
    expect((await res.json()).trade.entry_timestamp).toBe('2026-03-02T09:41:00-05:00');
  });

  it('keeps a file name that is not ASCII as the client wrote it (UTF-8, as FormData sends it)', async () => {
    const form = new FormData();
    form.append('trade', JSON.stringify(trade()));
    form.append('attachments', new Blob([png(2_000, 42)], { type: 'image/png' }), 'графік-€.png');

    const res = await api.request('/api/trades?sheet_id=form-utf8', { method: 'POST', body: form });

    expect(res.status).toBe(201);
    expect((await res.json()).attachments.map((a: { filename: string }) => a.filename)).toEqual(['графік-€.png']);
  });

  it('submits a narrative with a file; a narrative missing fields gets 202 and nothing is stored', async () => {
    const content = 'Bought 100 AAPL at 189.20 on 2026-03-02 at 09:41, sold 10:15 at 191.05. +$185';
    const before = mediaFiles(api).length;

    const created = await post('/api/trades/submit?sheet_id=form-narratives', [tradePart({ content }), file('chart.png', 'image/png', png(2000, 1))]);
    const pending = await post('/api/trades/submit?sheet_id=form-pending', [tradePart({ content: 'Bought some AAPL' }), file('chart.png', 'image/png', png(2000, 2))]);

    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ status: 'created', trade: { ticker: 'AAPL', pnl: 185 }, attachments: [{ filename: 'chart.png' }] });
    expect(pending.status).toBe(202);
    expect((await pending.json()).status).toBe('needs_more_info');
    expect(mediaFiles(api).length).toBe(before + 1);
    expect((await api.request('/api/trades?sheet_id=form-pending')).status).toBe(404);
  });

  const eleven = Array.from({ length: 11 }, (_, i) => file(`c${i}.png`, 'image/png', png(1000, 100 + i)));
  it.each([
    ['an empty form', 400, 'BODY.TRADE_PART_MISSING', [], {}],
    ['a file before the trade part', 400, 'BODY.TRADE_PART_NOT_FIRST', [file('chart.png', 'image/png', png(1000, 3)), tradePart()], {}],
    ['a trade part after a stored file', 400, 'BODY.TRADE_PART_NOT_FIRST', [tradePart(), file('chart.png', 'image/png', png(1000, 4)), tradePart()], {}],
    ['a trade part that is not JSON', 400, 'BODY.MALFORMED_JSON', [{ name: 'trade', value: '{"ticker": ' }], {}],
    ['a trade part that is a JSON array', 400, 'BODY.NOT_AN_OBJECT', [{ name: 'trade', value: '[1, 2]' }], {}],
    ['an unknown part name', 400, 'BODY.UNKNOWN_FIELD', [tradePart(), { name: 'extra', value: 'x' }], {}],
    ['an attachment without a file name', 400, 'BODY.ATTACHMENT_NOT_A_FILE', [tradePart(), { name: 'attachments', value: 'not a file' }], {}],
    ['invalid trade fields', 400, 'TRADE.INVALID', [tradePart(trade({ pnl: 'lots' })), file('chart.png', 'image/png', png(1000, 5))], {}],
    ['base64 attachments inside the trade part', 400, 'TRADE.INVALID', [tradePart(trade({ attachments: [] }))], {}],
    ['eleven files', 400, 'ATTACHMENT.TOO_MANY', [tradePart(), ...eleven], {}],
    ['PDF bytes declared as PNG', 400, 'ATTACHMENT.TYPE_MISMATCH', [tradePart(), file('chart.png', 'image/png', png(1000, 6)), file('fake.png', 'image/png', pdfBytes())], {}],
    ['a PDF', 400, 'ATTACHMENT.UNSUPPORTED_TYPE', [tradePart(), file('r.pdf', 'application/pdf', pdfBytes())], {}],
    ['a file part without a type', 400, 'ATTACHMENT.UNSUPPORTED_TYPE', [tradePart(), { name: 'attachments', filename: 'chart.png', data: pngBytes() }], {}],
    ['a body cut short after a file', 400, 'BODY.MULTIPART_INVALID', [tradePart(), file('chart.png', 'image/png', png(1000, 8))], { closed: false }],
  ] as Array<[string, number, string, Part[], { closed?: boolean }]>)('refuses %s with %i %s and writes nothing', async (name, status, code, parts, options) => {
    const sheet = `refused-${name.replace(/\W+/g, '-')}`;
    const before = mediaFiles(api);

    const res = await post(`/api/trades?sheet_id=${sheet}`, parts, options);

    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status, code, detail: expect.any(String) });
    expect(mediaFiles(api)).toEqual(before);
    expect((await api.request(`/api/trades?sheet_id=${sheet}`)).status).toBe(404);
  });

  it('refuses a form without a boundary', async () => {
    const res = await api.request('/api/trades?sheet_id=j', { method: 'POST', body: 'x', headers: { 'Content-Type': 'multipart/form-data' } });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('BODY.MULTIPART_INVALID');
  });

  it('refuses a file as it passes 15 MB, removing the file stored before it', async () => {
    const before = mediaFiles(api);

    const res = await post('/api/trades?sheet_id=form-too-large', [tradePart(), file('chart.png', 'image/png', png(1000, 9)), file('huge.png', 'image/png', png(MAX_ATTACHMENT_BYTES + 1))]);

    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'ATTACHMENT.TOO_LARGE', detail: expect.stringContaining('huge.png') });
    expect(mediaFiles(api)).toEqual(before);
    expect((await api.request('/api/trades?sheet_id=form-too-large')).status).toBe(404);
  });

  it('removes what a client stored before it went away mid-upload, and writes no row', async () => {
    const before = mediaFiles(api);
    const blobs = () => mediaFiles(api).filter((name) => /^[0-9a-f]{64}$/.test(name));
    const { body, contentType } = formBody([tradePart(), file('first.png', 'image/png', png(50_000, 12)), file('second.png', 'image/png', png(2_000_000, 13))]);
    const req = http.request(`${api.url}/api/trades?sheet_id=form-gone`, {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'Content-Length': String(body.length), Authorization: `Bearer ${api.key}` },
    });
    req.on('error', () => undefined);
    // The first file whole and the start of the second: the first is stored, the second is on its way.
    req.write(body.subarray(0, 1_000_000));
    await until(() => blobs().length > before.filter((name) => /^[0-9a-f]{64}$/.test(name)).length);

    req.destroy();

    await until(() => JSON.stringify(mediaFiles(api)) === JSON.stringify(before));
    expect((await api.request('/api/trades?sheet_id=form-gone')).status).toBe(404);
  });

  it('replays a retried form with the same Idempotency-Key (a new boundary changes nothing), and refuses other bytes with it', async () => {
    const parts = [tradePart(), file('chart.png', 'image/png', png(5000, 10))];
    const headers = { 'Idempotency-Key': 'form-retry-1' };

    const first = await post('/api/trades?sheet_id=form-idem', parts, { headers });
    const again = await post('/api/trades?sheet_id=form-idem', parts, { headers });
    const other = await post('/api/trades?sheet_id=form-idem', [tradePart(), file('chart.png', 'image/png', png(5000, 11))], { headers });

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(await again.json()).toEqual(await first.json());
    expect(other.status).toBe(422);
    expect((await other.json()).code).toBe('IDEMPOTENCY.KEY_REUSED');
    expect((await (await api.request('/api/trades?sheet_id=form-idem')).json()).trades).toHaveLength(1);
  });

  it('frees the key of a refused form for a corrected retry', async () => {
    const headers = { 'Idempotency-Key': 'form-retry-2' };

    const refused = await post('/api/trades?sheet_id=form-idem-fixed', [tradePart(trade({ pnl: 'x' }))], { headers });
    const fixed = await post('/api/trades?sheet_id=form-idem-fixed', [tradePart()], { headers });

    expect(refused.status).toBe(400);
    expect(fixed.status).toBe(201);
  });
});

describe('a form over MAX_BODY_MB', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ MAX_BODY_MB: '1' });
  });
  afterAll(async () => {
    await small.close();
  });

  it('is a 413 from its Content-Length, before it is read', async () => {
    const { body, contentType } = formBody([tradePart(), file('big.png', 'image/png', png(1_200_000))]);

    const res = await small.request('/api/trades?sheet_id=declared', { method: 'POST', body, headers: { 'Content-Type': contentType } });

    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'BODY.TOO_LARGE', max_bytes: 1024 * 1024 });
  });

  it('is a 413 mid-stream when sent without a length: the file already stored is removed and no row is written', async () => {
    const { body, contentType } = formBody([tradePart(), file('first.png', 'image/png', png(200_000, 1)), file('second.png', 'image/png', png(1_200_000, 2))]);
    // Sent in pieces without Content-Length (chunked): the server only learns the size as the bytes arrive.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let start = 0; start < body.length; start += 64 * 1024) controller.enqueue(body.subarray(start, start + 64 * 1024));
        controller.close();
      },
    });

    const res = await fetch(`${small.url}/api/trades?sheet_id=streamed-over`, {
      method: 'POST',
      body: stream,
      headers: { 'Content-Type': contentType, Authorization: `Bearer ${small.key}` },
      duplex: 'half',
    } as RequestInit);

    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'BODY.TOO_LARGE' });
    expect(mediaFiles(small)).toEqual([]);
    expect((await small.request('/api/trades?sheet_id=streamed-over')).status).toBe(404);
  });
});
