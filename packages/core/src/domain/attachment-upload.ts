// Attachments as clients send them (base64 JSON): checked for type, size and real content before anything is stored.
import { fileTypeFromBuffer } from 'file-type/core';
import { z } from 'zod';
import { AttachmentError } from '../errors';

/** An attachment's bytes, checked and ready to store. */
export interface MediaUpload {
  filename: string;
  mimeType: string;
  data: Uint8Array;
}

export const MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024;
export const MAX_ATTACHMENTS = 10;
const ALLOWED_FAMILIES = ['image', 'audio', 'video'] as const;
// Base64 of MAX_ATTACHMENT_BYTES, plus padding and line breaks some encoders add.
const MAX_BASE64_CHARS = Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4 + 64 * 1024;
/** Base64 is checked and decoded this many characters at a time (a multiple of 4): never a copy of the whole text. */
const BASE64_SLICE = 64 * 1024;

/** What a client declares about a file: its name and type (the same rules whatever carries the bytes). */
export const attachmentMetaSchema = z.object({
  filename: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(255, 'must be at most 255 characters')
    // Control characters in a file name are refused: they corrupt logs and Content-Disposition headers.
    // eslint-disable-next-line no-control-regex
    .regex(/^[^/\\\u0000-\u001f]+$/, 'must be a plain file name without path separators or control characters'),
  mime_type: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/, 'must be a MIME type such as image/png'),
});

export const attachmentInputSchema = attachmentMetaSchema.extend({
  data: z.string().min(1, 'must be base64-encoded file content'),
});

/**
 * Base64 `data` still in the bytes it arrived as (a long JSON string left in the request body): checked and decoded
 * a slice at a time, so the text never becomes one string. Reading it consumes it: the decoded file is written over
 * the text, in the same memory.
 */
export interface Base64Bytes {
  readonly base64: Uint8Array;
}

export type AttachmentInput = Omit<z.input<typeof attachmentInputSchema>, 'data'> & { data: string | Base64Bytes };

// Different names for one format, and containers that legitimately carry either audio or video.
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'audio/mp3': 'audio/mpeg',
  'audio/mpeg3': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
  'audio/x-mpeg': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/x-flac': 'audio/flac',
  'audio/x-aac': 'audio/aac',
  'audio/m4a': 'audio/mp4',
  'audio/x-m4a': 'audio/mp4',
  'video/x-m4v': 'video/mp4',
  'image/x-ms-bmp': 'image/bmp',
  'audio/opus': 'audio/ogg',
  'video/x-quicktime': 'video/quicktime',
};
const CONTAINERS: string[][] = [
  ['audio/mp4', 'video/mp4', 'audio/x-m4a', 'video/x-m4v', 'video/quicktime', 'video/3gpp', 'audio/3gpp'],
  ['audio/webm', 'video/webm', 'video/x-matroska', 'audio/x-matroska'],
  ['audio/ogg', 'video/ogg', 'application/ogg', 'audio/opus', 'audio/ogg; codecs=opus'],
  ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
  ['audio/wav', 'audio/vnd.wave', 'audio/wave'],
];
// Formats with scripts or no reliable signature are refused even though their type is image/*.
const REFUSED: Record<string, string> = {
  'image/svg+xml': 'SVG images can carry scripts; send PNG, JPEG, GIF or WebP instead',
};

const canonical = (mime: string): string => ALIASES[mime] ?? mime;

/** True when bytes detected as `detected` may honestly be declared as `declared`. */
export function mimeMatches(declared: string, detected: string): boolean {
  const a = canonical(declared);
  const b = canonical(detected);
  if (a === b) return true;
  return CONTAINERS.some((group) => group.map(canonical).includes(a) && group.map(canonical).includes(b));
}

const invalidBase64 = (filename: string) => new AttachmentError('ATTACHMENT.INVALID_BASE64', `Attachment "${filename}": data is not valid base64`, { filename });

/** Characters of a `data:` URL prefix at the start of `head` (0 without one); a prefix that disagrees is refused. */
function dataUrlLength(filename: string, head: string, declaredMime: string): number {
  const dataUrl = /^data:([^;,]+)(;[^,]*)?,/.exec(head);
  if (!dataUrl) return 0;
  if (!dataUrl[2]?.includes('base64')) {
    throw new AttachmentError('ATTACHMENT.INVALID_BASE64', `Attachment "${filename}": a data URL must be base64-encoded`, { filename });
  }
  if (dataUrl[1]?.toLowerCase() !== declaredMime) {
    throw new AttachmentError('ATTACHMENT.TYPE_MISMATCH', `Attachment "${filename}": the data URL says ${dataUrl[1]} but mime_type says ${declaredMime}`, { filename });
  }
  return dataUrl[0].length;
}

const BASE64_BODY = /^[A-Za-z0-9+/_-]*$/;
const BASE64_END = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Checks and decodes base64 text (no whitespace left) of `length` characters, read through `slice`, one slice at a
 * time, into `out` (a new buffer when not given). Slices are whole groups of 4 characters, so decoding them one by one
 * is decoding the whole; padding can only sit in the last one. Node's decoder takes both alphabets alike.
 */
function decodeSlices(filename: string, length: number, slice: (start: number, end: number) => string, out?: Buffer): Buffer {
  if (length === 0 || length % 4 === 1) throw invalidBase64(filename);
  const into = out ?? Buffer.allocUnsafe(Math.ceil(length / 4) * 3);
  let written = 0;
  for (let start = 0; start < length; start += BASE64_SLICE) {
    const end = Math.min(start + BASE64_SLICE, length);
    const text = slice(start, end);
    if (!(end === length ? BASE64_END : BASE64_BODY).test(text)) throw invalidBase64(filename);
    written += into.write(text, written, 'base64');
  }
  return into.subarray(0, written);
}

function decodeBase64(filename: string, data: string | Base64Bytes, declaredMime: string): Buffer {
  if (typeof data === 'string') {
    const compact = data.slice(dataUrlLength(filename, data.slice(0, 300), declaredMime)).replace(/[\r\n\t ]/g, '');
    return decodeSlices(filename, compact.length, (start, end) => compact.slice(start, end));
  }
  const text = Buffer.from(data.base64.buffer, data.base64.byteOffset, data.base64.byteLength);
  const payload = text.subarray(dataUrlLength(filename, text.toString('latin1', 0, 300), declaredMime));
  // Whitespace inside the text is rare enough to take the string path (a JSON string can carry spaces unescaped).
  if ([0x20, 0x09, 0x0a, 0x0d].some((byte) => payload.includes(byte))) {
    const compact = payload.toString('latin1').replace(/[\r\n\t ]/g, '');
    return decodeSlices(filename, compact.length, (start, end) => compact.slice(start, end));
  }
  // Decoded in place: each slice is copied out as text before its bytes are written, and 4 characters give at most 3
  // bytes, so the writing never reaches text not yet read. The file then costs no memory beyond the request's own.
  return decodeSlices(filename, payload.length, (start, end) => payload.toString('latin1', start, end), payload);
}

/** The declared name and type, checked: the same for a base64 attachment and a streamed one. */
export function checkDeclared(meta: { filename: unknown; mime_type: unknown }, index: number): { filename: string; mimeType: string } {
  const parsed = attachmentMetaSchema.safeParse(meta);
  if (!parsed.success) throw invalidAttachment(parsed.error, index);
  const { filename, mime_type: mimeType } = parsed.data;
  checkType(filename, mimeType);
  return { filename, mimeType };
}

function invalidAttachment(error: z.ZodError, index: number): AttachmentError {
  const issue = error.issues[0];
  const field = issue?.path.join('.') ?? 'attachment';
  return new AttachmentError('ATTACHMENT.INVALID', `attachments[${index}].${field} ${issue?.message ?? 'is invalid'}`, { index, field });
}

function checkType(filename: string, mimeType: string): void {
  const family = mimeType.split('/')[0];
  if (!ALLOWED_FAMILIES.includes(family as (typeof ALLOWED_FAMILIES)[number])) {
    throw new AttachmentError('ATTACHMENT.UNSUPPORTED_TYPE', `Attachment "${filename}": ${mimeType} is not accepted; only image/*, audio/* and video/* files are`, { filename, mime_type: mimeType });
  }
  const refused = REFUSED[mimeType];
  if (refused) throw new AttachmentError('ATTACHMENT.UNSUPPORTED_TYPE', `Attachment "${filename}": ${refused}`, { filename, mime_type: mimeType });
}

export const attachmentTooLarge = (filename: string, size?: number) =>
  new AttachmentError('ATTACHMENT.TOO_LARGE', `Attachment "${filename}" ${size === undefined ? 'is' : `is ${size} bytes,`} larger than 15 MB`, {
    filename,
    max_bytes: MAX_ATTACHMENT_BYTES,
  });

/**
 * Refuses bytes whose signature is not the declared type. `bytes` is the whole file, or (for a file still arriving)
 * its start: every signature file-type reads sits in the first few kilobytes, and a tag it would skip (ID3) is
 * judged by its header alone when it runs past the bytes given.
 */
export async function checkContent(filename: string, mimeType: string, bytes: Uint8Array): Promise<void> {
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected) {
    const family = mimeType.split('/')[0] ?? 'media';
    throw new AttachmentError('ATTACHMENT.UNRECOGNIZED_CONTENT', `Attachment "${filename}": the bytes are not a recognisable ${family} file`, { filename, mime_type: mimeType });
  }
  if (!mimeMatches(mimeType, detected.mime)) {
    throw new AttachmentError('ATTACHMENT.TYPE_MISMATCH', `Attachment "${filename}" is declared ${mimeType} but its content is ${detected.mime}`, { filename, mime_type: mimeType, detected: detected.mime });
  }
}

/**
 * Validates one attachment and returns its bytes. Rejects, naming the file: a type outside image/audio/video,
 * content over 15 MB (checked on the encoded length before decoding), invalid base64, and bytes whose signature is
 * not the declared type.
 */
export async function readAttachment(input: AttachmentInput, index = 0): Promise<MediaUpload> {
  const { data } = input;
  const inBytes = typeof data === 'object' && data !== null && data.base64 instanceof Uint8Array;
  // Text goes through the whole schema, as it always has; text kept as bytes has its own form.
  const parsed = (inBytes ? attachmentMetaSchema : attachmentInputSchema).safeParse(input);
  if (!parsed.success) throw invalidAttachment(parsed.error, index);
  const { filename, mime_type: mimeType } = parsed.data;
  checkType(filename, mimeType);
  const encodedLength = typeof data === 'string' ? data.length : data.base64.byteLength;
  if (encodedLength > MAX_BASE64_CHARS) throw attachmentTooLarge(filename);
  const bytes = decodeBase64(filename, data, mimeType);
  if (bytes.length > MAX_ATTACHMENT_BYTES) throw attachmentTooLarge(filename, bytes.length);
  await checkContent(filename, mimeType, bytes);
  return { filename, mimeType, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

export const tooManyAttachments = (count: number) =>
  new AttachmentError('ATTACHMENT.TOO_MANY', `At most ${MAX_ATTACHMENTS} attachments per trade`, { count });

/** Validates every attachment before any is stored, so one bad file leaves nothing half-written. */
export async function readAttachments(inputs: readonly AttachmentInput[] | undefined): Promise<MediaUpload[]> {
  if (!inputs || inputs.length === 0) return [];
  if (inputs.length > MAX_ATTACHMENTS) throw tooManyAttachments(inputs.length);
  const uploads: MediaUpload[] = [];
  for (const [index, input] of inputs.entries()) uploads.push(await readAttachment(input, index));
  return uploads;
}
