// Tiny real media files for tests: each starts with the genuine signature of its format.

const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A valid 1×1 PNG. */
export function pngBytes(): Buffer {
  return Buffer.from(PNG_1X1, 'base64');
}

/** An MP3: an ID3v2.3 tag followed by MPEG-1 Layer III frames of silence. */
export function mp3Bytes(frames = 4): Buffer {
  const id3 = Buffer.from([0x49, 0x44, 0x33, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
  // 128 kbit/s, 44.1 kHz, no padding: 417-byte frames.
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  return Buffer.concat([id3, ...Array.from({ length: frames }, () => frame)]);
}

/** A JPEG SOI/APP0 header (enough for signature detection). */
export function jpegBytes(): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    Buffer.alloc(64),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A PDF header: a real file whose type is not accepted as an attachment. */
export function pdfBytes(): Buffer {
  return Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
