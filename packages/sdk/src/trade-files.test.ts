import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from './index';
import { fakeFetch, fakeSleep, json, problem, type SeenRequest } from './testing/fake-fetch';

const captured = { trade: { trade_id: 't1', ticker: 'AAPL' }, attachments: [], location: {} };
const fields = { ticker: 'AAPL', position_type: 'long' as const, pnl: 185, entry_timestamp: '2026-03-02T09:41', exit_timestamp: '2026-03-02T10:15' };
const png = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);

function client(...answers: Parameters<typeof fakeFetch>) {
  const fetch = fakeFetch(...answers);
  return { fetch, pecunia: createClient({ baseUrl: 'http://api.test', apiKey: 'key-1', fetch, sleep: fakeSleep() }) };
}

/** The form a request carried, read back as a server would. */
const formOf = (seen: SeenRequest) => new Response(seen.bytes, { headers: { 'Content-Type': seen.headers.get('content-type')! } }).formData();

const bytesOf = async (file: File | string | null) => [...new Uint8Array(await (file as File).arrayBuffer())];

describe('trades with attachments given as files', () => {
  it('go as a multipart form: the trade part (JSON) first, then each file with its name and type', async () => {
    const { fetch, pecunia } = client(json(201, captured));
    const progress: Array<[number, number | undefined]> = [];

    await pecunia.logTrade(
      {
        ...fields,
        attachments: [
          { data: png, filename: 'chart.png' },
          { data: new Blob([png], { type: 'image/webp' }), filename: 'shot.webp' },
          { data: new File([png], 'voice.mp3', { type: 'audio/mpeg' }) },
        ],
      },
      { sheetId: 'j', timezone: 'UTC', onProgress: (sent, total) => progress.push([sent, total]) },
    );

    const [seen] = fetch.seen;
    expect(seen!.url.toString()).toBe('http://api.test/api/trades?sheet_id=j&timezone=UTC');
    expect(seen!.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(seen!.headers.get('content-length'))).toBe(seen!.bytes.byteLength);
    const form = await formOf(seen!);
    expect([...form.keys()]).toEqual(['trade', 'attachments', 'attachments', 'attachments']);
    expect(JSON.parse(form.get('trade') as string)).toEqual(fields);
    const files = form.getAll('attachments') as File[];
    expect(files.map((f) => [f.name, f.type])).toEqual([
      ['chart.png', 'image/png'],
      ['shot.webp', 'image/webp'],
      ['voice.mp3', 'audio/mpeg'],
    ]);
    expect(await bytesOf(files[2]!)).toEqual([...png]);
    expect(progress.at(0)).toEqual([0, 3 * png.length]);
    expect(progress.at(-1)).toEqual([3 * png.length, 3 * png.length]);
  });

  it('stream a ReadableStream without a length, and read a path from disk in Node', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-sdk-'));
    try {
      writeFileSync(path.join(dir, 'note.m4a'), png);
      const { fetch, pecunia } = client(json(201, { status: 'created', ...captured }));
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(png.subarray(0, 4));
          controller.enqueue(png.subarray(4));
          controller.close();
        },
      });

      await pecunia.submitTrade({ content: 'Bought AAPL', attachments: [{ data: stream, filename: 'live.mp4' }, { path: path.join(dir, 'note.m4a') }] }, { sheetId: 'j' });

      const [seen] = fetch.seen;
      expect(seen!.url.pathname).toBe('/api/trades/submit');
      expect(seen!.headers.get('content-length')).toBeNull();
      const files = (await formOf(seen!)).getAll('attachments') as File[];
      expect(files.map((f) => [f.name, f.type])).toEqual([
        ['live.mp4', 'video/mp4'],
        ['note.m4a', 'audio/mp4'],
      ]);
      expect(await bytesOf(files[0]!)).toEqual([...png]);
      expect(await bytesOf(files[1]!)).toEqual([...png]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('go as a Blob with Content-Length to a real server, a file on disk included, and a 503 gets the same bytes again', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pecunia-sdk-'));
    const received: Array<{ headers: http.IncomingHttpHeaders; bytes: Buffer }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, bytes: Buffer.concat(chunks) });
        res.writeHead(received.length === 1 ? 503 : 201, { 'Content-Type': 'application/json', 'Retry-After': '0' });
        res.end(JSON.stringify(received.length === 1 ? { status: 503, code: 'BUSY', detail: 'busy' } : captured));
      });
    });
    try {
      writeFileSync(path.join(dir, 'note.m4a'), png);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const pecunia = createClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'key-1', sleep: fakeSleep() });

      await pecunia.logTrade({ ...fields, attachments: [{ path: path.join(dir, 'note.m4a') }, { data: new Blob([png], { type: 'image/png' }), filename: 'chart.png' }] }, { sheetId: 'j' });

      expect(received).toHaveLength(2);
      const [first, retry] = received;
      expect(Number(first!.headers['content-length'])).toBe(first!.bytes.byteLength);
      expect(first!.headers['transfer-encoding']).toBeUndefined();
      expect(retry!.bytes.equals(first!.bytes)).toBe(true);
      expect(retry!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
      const form = await new Response(new Uint8Array(retry!.bytes), { headers: { 'Content-Type': retry!.headers['content-type']! } }).formData();
      const files = form.getAll('attachments') as File[];
      expect(files.map((f) => [f.name, f.type])).toEqual([
        ['note.m4a', 'audio/mp4'],
        ['chart.png', 'image/png'],
      ]);
      expect(await bytesOf(files[0]!)).toEqual([...png]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stay JSON when given in base64, as before', async () => {
    const { fetch, pecunia } = client(json(201, captured));

    await pecunia.logTrade({ ...fields, attachments: [{ filename: 'chart.png', mime_type: 'image/png', data: 'iVBORw0K' }] }, { sheetId: 'j' });

    expect(fetch.seen[0]!.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(fetch.seen[0]!.body).attachments).toEqual([{ filename: 'chart.png', mime_type: 'image/png', data: 'iVBORw0K' }]);
  });

  it.each([
    ['base64 and files mixed', [{ filename: 'a.png', mime_type: 'image/png', data: 'iVBORw0K' }, { data: png, filename: 'b.png' }], /either all as base64/],
    ['a file without a name', [{ data: png }], /needs a filename/],
    ['a file of no known type', [{ data: png, filename: 'notes.txt' }], /cannot be told from its name/],
  ])('refuse %s before anything is sent', async (_name, attachments, message) => {
    const { fetch, pecunia } = client(json(201, captured));

    await expect(pecunia.logTrade({ ...fields, attachments }, { sheetId: 'j' })).rejects.toThrow(message);

    expect(fetch.seen).toHaveLength(0);
  });

  it('surface the API’s refusal of a form as a PecuniaApiError', async () => {
    const { pecunia } = client(problem(400, 'ATTACHMENT.TOO_MANY', 'At most 10 attachments per trade'));

    await expect(pecunia.logTrade({ ...fields, attachments: [{ data: png, filename: 'a.png' }] }, { sheetId: 'j' })).rejects.toMatchObject({ code: 'ATTACHMENT.TOO_MANY', status: 400 });
  });
});
