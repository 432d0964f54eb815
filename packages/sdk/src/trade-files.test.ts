import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
