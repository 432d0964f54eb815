import { jpegBytes, mp3Bytes, pdfBytes, pngBytes, toBase64 } from '../testing/media-samples';
import { MAX_ATTACHMENT_BYTES, mimeMatches, readAttachment, readAttachments } from './attachment-upload';

const upload = (overrides: Record<string, unknown> = {}) => ({ filename: 'chart.png', mime_type: 'image/png', data: toBase64(pngBytes()), ...overrides });

describe('attachment upload checks', () => {
  it('accepts a PNG, an MP3 (declared audio/mp3) and a data URL', async () => {
    await expect(readAttachment(upload())).resolves.toMatchObject({ filename: 'chart.png', mimeType: 'image/png' });
    await expect(readAttachment(upload({ filename: 'note.mp3', mime_type: 'audio/mp3', data: toBase64(mp3Bytes()) }))).resolves.toMatchObject({ mimeType: 'audio/mp3' });
    await expect(readAttachment(upload({ data: `data:image/png;base64,${toBase64(pngBytes())}` }))).resolves.toMatchObject({ mimeType: 'image/png' });
  });

  it.each([
    [{ mime_type: 'application/pdf', data: toBase64(pdfBytes()) }, 'ATTACHMENT.UNSUPPORTED_TYPE', 'only image/*'],
    [{ mime_type: 'image/svg+xml', data: Buffer.from('<svg/>').toString('base64') }, 'ATTACHMENT.UNSUPPORTED_TYPE', 'scripts'],
    [{ mime_type: 'image/png', data: toBase64(pdfBytes()) }, 'ATTACHMENT.TYPE_MISMATCH', 'application/pdf'],
    [{ mime_type: 'image/png', data: toBase64(jpegBytes()) }, 'ATTACHMENT.TYPE_MISMATCH', 'image/jpeg'],
    [{ mime_type: 'image/png', data: Buffer.from('hello world').toString('base64') }, 'ATTACHMENT.UNRECOGNIZED_CONTENT', 'not a recognisable'],
    [{ data: 'not base64!!' }, 'ATTACHMENT.INVALID_BASE64', 'not valid base64'],
    [{ filename: '../../etc/passwd' }, 'ATTACHMENT.INVALID', 'filename'],
    [{ mime_type: 'png' }, 'ATTACHMENT.INVALID', 'mime_type'],
  ])('rejects %p with %s', async (overrides, code, reason) => {
    await expect(readAttachment(upload(overrides))).rejects.toMatchObject({ code, status: 400, message: expect.stringContaining(reason) });
  });

  it('names the file and rejects content over 15 MB before decoding it', async () => {
    const big = 'A'.repeat(Math.ceil((MAX_ATTACHMENT_BYTES + 1024 * 1024) / 3) * 4);
    await expect(readAttachment(upload({ filename: 'huge.png', data: big }))).rejects.toMatchObject({
      code: 'ATTACHMENT.TOO_LARGE',
      message: expect.stringContaining('huge.png'),
    });
  });

  it('rejects a decoded file just over 15 MB', async () => {
    const bytes = Buffer.concat([pngBytes(), Buffer.alloc(MAX_ATTACHMENT_BYTES)]);
    await expect(readAttachment(upload({ data: toBase64(bytes) }))).rejects.toMatchObject({ code: 'ATTACHMENT.TOO_LARGE' });
  });

  it('refuses more than ten files', async () => {
    await expect(readAttachments(Array.from({ length: 11 }, () => upload()))).rejects.toMatchObject({ code: 'ATTACHMENT.TOO_MANY' });
  });

  describe('with data still in the bytes it arrived as', () => {
    const asBytes = (text: string) => ({ base64: new TextEncoder().encode(text) });

    it('decodes them exactly as the same text', async () => {
      const mp3 = toBase64(mp3Bytes(400));
      for (const data of [toBase64(pngBytes()), `data:image/png;base64,${toBase64(pngBytes())}`]) {
        const fromText = await readAttachment(upload({ data }));
        const fromBytes = await readAttachment(upload({ data: asBytes(data) }));
        expect(Buffer.from(fromBytes.data).equals(Buffer.from(fromText.data))).toBe(true);
      }
      // Longer than one decoding slice, URL-safe alphabet, no padding, spaces inside.
      const long = mp3.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const spaced = `${long.slice(0, 5000)} ${long.slice(5000)}`;
      for (const data of [long, spaced]) {
        const read = await readAttachment(upload({ filename: 'n.mp3', mime_type: 'audio/mpeg', data: asBytes(data) }));
        expect(Buffer.from(read.data).equals(mp3Bytes(400))).toBe(true);
      }
    });

    it.each([
      ['not base64!!', 'ATTACHMENT.INVALID_BASE64'],
      [`${toBase64(pngBytes())}A`, 'ATTACHMENT.INVALID_BASE64'],
      [`${'A'.repeat(70_000)}=${'A'.repeat(3)}`, 'ATTACHMENT.INVALID_BASE64'],
      [`data:image/jpeg;base64,${toBase64(pngBytes())}`, 'ATTACHMENT.TYPE_MISMATCH'],
      [toBase64(pdfBytes()), 'ATTACHMENT.TYPE_MISMATCH'],
      ['A'.repeat(Math.ceil((MAX_ATTACHMENT_BYTES + 1024 * 1024) / 3) * 4), 'ATTACHMENT.TOO_LARGE'],
    ])('refuses what the text form refuses, with the same code (%#)', async (data, code) => {
      await expect(readAttachment(upload({ data }))).rejects.toMatchObject({ code });
      await expect(readAttachment(upload({ data: asBytes(data) }))).rejects.toMatchObject({ code });
    });
  });

  it('treats containers that carry audio or video alike, and aliases as equal', () => {
    expect(mimeMatches('audio/x-m4a', 'video/mp4')).toBe(true);
    expect(mimeMatches('image/jpg', 'image/jpeg')).toBe(true);
    expect(mimeMatches('image/png', 'image/jpeg')).toBe(false);
  });
});
