import { formUpload } from './form-upload';
import type { FilePart, TextPart } from './multipart-body';

const png = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
const parts = (): Array<TextPart | FilePart> => [
  { name: 'trade', value: '{"ticker":"AAPL"}', contentType: 'application/json' },
  { name: 'attachments', filename: 'chart.png', contentType: 'image/png', data: png },
  { name: 'attachments', filename: 'shot.webp', contentType: 'image/webp', data: new Blob([png.subarray(2)]) },
];
const total = png.length + png.length - 2;

const headersOf = (init: Record<string, unknown>) => new Headers(init['headers'] as Record<string, string>);
const bytesOf = async (body: unknown) => new Uint8Array(await new Response(body as Blob).arrayBuffer());
/** The form in `bytes`, read back as a server would. */
const formOf = (bytes: Uint8Array, contentType: string) => new Response(bytes, { headers: { 'Content-Type': contentType } }).formData();
const replayOf = (init: Record<string, unknown>) => init['pecuniaReplay'] as (() => { body: unknown; duplex?: string }) | undefined;

describe('formUpload', () => {
  it('sends a form of known size as a Blob, without duplex, whose bytes parse back into the parts', async () => {
    const upload = formUpload(parts());

    const { init } = upload;
    expect(init['body']).toBeInstanceOf(Blob);
    expect(init).not.toHaveProperty('duplex');
    const contentType = headersOf(init).get('content-type')!;
    expect(contentType).toMatch(/^multipart\/form-data; boundary=----pecunia-/);
    const bytes = await bytesOf(init['body']);
    expect((init['body'] as Blob).size).toBe(bytes.byteLength);
    const form = await formOf(bytes, contentType);
    expect(form.get('trade')).toBe('{"ticker":"AAPL"}');
    const files = form.getAll('attachments') as File[];
    expect(files.map((f) => [f.name, f.type, f.size])).toEqual([
      ['chart.png', 'image/png', png.length],
      ['shot.webp', 'image/webp', png.length - 2],
    ]);
    expect([...new Uint8Array(await files[1]!.arrayBuffer())]).toEqual([...png.subarray(2)]);
    expect(replayOf(init)!().body).toBe(init['body']);
  });

  it('where bodies cannot be streamed (browsers), reports progress only at the start and after a success', () => {
    const progress: Array<[number, number | undefined]> = [];
    const upload = formUpload(parts(), (sent, of) => progress.push([sent, of]), false);
    expect(upload.init['body']).toBeInstanceOf(Blob);
    expect(upload.init).not.toHaveProperty('duplex');
    expect(progress).toEqual([[0, total]]);

    upload.answered(new Response(null, { status: 503 }));
    expect(progress).toEqual([[0, total]]);
    upload.answered(new Response(null, { status: 201 }));

    expect(progress).toEqual([
      [0, total],
      [total, total],
    ]);
  });

  it('in Node, streams a form of known size to follow its progress, with Content-Length, the same bytes on each retry', async () => {
    const progress: Array<[number, number | undefined]> = [];
    const blobForm = formUpload(parts());
    const upload = formUpload(parts(), (sent, of) => progress.push([sent, of]), true);

    const { init } = upload;
    expect(init['body']).toBeInstanceOf(ReadableStream);
    expect(init['duplex']).toBe('half');
    const first = await bytesOf(init['body']);
    expect(Number(headersOf(init).get('content-length'))).toBe(first.byteLength);
    expect(progress).toEqual([
      [0, total],
      [png.length, total],
      [total, total],
    ]);
    const again = replayOf(init)!();
    expect(again.duplex).toBe('half');
    expect(await bytesOf(again.body)).toEqual(first);
    expect(first.byteLength).toBe((blobForm.init['body'] as Blob).size);
  });

  it('streams a stream input without Content-Length, and leaves a retry to clone it', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(png);
        controller.close();
      },
    });
    const progress: Array<[number, number | undefined]> = [];

    const { init } = formUpload([{ name: 'file', filename: 'live.mp4', contentType: 'video/mp4', data: stream }], (sent, of) => progress.push([sent, of]), false);

    expect(init['body']).toBeInstanceOf(ReadableStream);
    expect(init['duplex']).toBe('half');
    expect(headersOf(init).has('content-length')).toBe(false);
    expect(replayOf(init)).toBeUndefined();
    const form = await formOf(await bytesOf(init['body']), headersOf(init).get('content-type')!);
    expect([...new Uint8Array(await (form.get('file') as File).arrayBuffer())]).toEqual([...png]);
    expect(progress.at(-1)).toEqual([png.length, undefined]);
  });
});
