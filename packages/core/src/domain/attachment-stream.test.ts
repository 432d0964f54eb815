import { jpegBytes, mp3Bytes, pdfBytes, pngBytes, toBase64 } from '../testing/media-samples';
import { collectAttachments, openAttachment, openAttachments, type AttachmentStream } from './attachment-stream';
import { MAX_ATTACHMENT_BYTES, readAttachment } from './attachment-upload';

async function* chunksOf(bytes: Uint8Array, size = 1000): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.byteLength; start += size) yield bytes.subarray(start, start + size);
}

const streamed = (bytes: Uint8Array, overrides: Partial<Omit<AttachmentStream, 'chunks'>> = {}): AttachmentStream => ({
  filename: 'chart.png',
  mimeType: 'image/png',
  chunks: chunksOf(bytes),
  ...overrides,
});

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function* files(...list: AttachmentStream[]): AsyncGenerator<AttachmentStream> {
  yield* list;
}

describe('streamed attachments', () => {
  it('pass a PNG and an MP3 on unchanged, type and name as declared', async () => {
    const png = await openAttachment(streamed(pngBytes()), 0);
    const mp3 = await openAttachment(streamed(mp3Bytes(40), { filename: 'note.mp3', mimeType: 'audio/mp3' }), 1);

    expect(png).toMatchObject({ filename: 'chart.png', mimeType: 'image/png' });
    expect((await drain(png.chunks)).equals(pngBytes())).toBe(true);
    expect(mp3.mimeType).toBe('audio/mp3');
    expect((await drain(mp3.chunks)).equals(mp3Bytes(40))).toBe(true);
  });

  // Each refusal the base64 route makes, with the same code: the rules are one set.
  it.each([
    ['a PDF', pdfBytes(), { filename: 'r.pdf', mimeType: 'application/pdf' }],
    ['an SVG', Buffer.from('<svg/>'), { filename: 'x.svg', mimeType: 'image/svg+xml' }],
    ['PDF bytes declared as PNG', pdfBytes(), {}],
    ['JPEG bytes declared as PNG', jpegBytes(), {}],
    ['text declared as PNG', Buffer.from('hello world'), {}],
    ['a path for a name', pngBytes(), { filename: '../../etc/passwd' }],
    ['a type that is no MIME type', pngBytes(), { mimeType: 'png' }],
  ])('refuse %s as the base64 route does', async (_name, bytes, overrides) => {
    const declared = { filename: 'chart.png', mimeType: 'image/png', ...overrides };
    const asBase64 = await readAttachment({ filename: declared.filename, mime_type: declared.mimeType, data: toBase64(bytes) }, 2).catch((error: unknown) => error);

    const asStream = await openAttachment(streamed(bytes, overrides), 2).catch((error: unknown) => error);

    expect(asBase64).toMatchObject({ code: expect.stringMatching(/^ATTACHMENT\./) });
    expect(asStream).toMatchObject({ code: (asBase64 as { code: string }).code, message: (asBase64 as Error).message, status: 400 });
  });

  it('throw ATTACHMENT.TOO_LARGE from the chunk that passes 15 MB, naming the file, after passing on the ones before', async () => {
    const big = Buffer.concat([pngBytes(), Buffer.alloc(MAX_ATTACHMENT_BYTES)]);
    const upload = await openAttachment(streamed(big, { filename: 'huge.png' }), 0);
    let passed = 0;

    const reading = (async () => {
      for await (const chunk of upload.chunks) passed += chunk.byteLength;
    })();

    await expect(reading).rejects.toMatchObject({ code: 'ATTACHMENT.TOO_LARGE', message: expect.stringContaining('huge.png') });
    expect(passed).toBeLessThanOrEqual(MAX_ATTACHMENT_BYTES);
    expect(passed).toBeGreaterThan(MAX_ATTACHMENT_BYTES - 1000);
  });

  it('refuse an eleventh file before reading it', async () => {
    const eleventh = streamed(pngBytes());
    const next = jest.spyOn(eleventh.chunks as AsyncGenerator<Uint8Array>, 'next');
    const opened = openAttachments(files(...Array.from({ length: 10 }, () => streamed(pngBytes())), eleventh));

    const reading = (async () => {
      for await (const upload of opened) await drain(upload.chunks);
    })();

    await expect(reading).rejects.toMatchObject({ code: 'ATTACHMENT.TOO_MANY' });
    expect(next).not.toHaveBeenCalled();
  });

  it('are read whole for a narrative, with the same checks', async () => {
    const uploads = await collectAttachments(files(streamed(pngBytes()), streamed(mp3Bytes(), { filename: 'n.mp3', mimeType: 'audio/mpeg' })));

    expect(uploads.map((u) => [u.filename, u.mimeType, Buffer.from(u.data).length])).toEqual([
      ['chart.png', 'image/png', pngBytes().length],
      ['n.mp3', 'audio/mpeg', mp3Bytes().length],
    ]);
    await expect(collectAttachments(files(streamed(pdfBytes())))).rejects.toMatchObject({ code: 'ATTACHMENT.TYPE_MISMATCH' });
    await expect(collectAttachments(files(streamed(Buffer.concat([pngBytes(), Buffer.alloc(MAX_ATTACHMENT_BYTES)]))))).rejects.toMatchObject({ code: 'ATTACHMENT.TOO_LARGE' });
  });
});
