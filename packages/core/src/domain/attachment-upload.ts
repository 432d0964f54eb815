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

export const attachmentInputSchema = z.object({
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
  data: z.string().min(1, 'must be base64-encoded file content'),
});
export type AttachmentInput = z.input<typeof attachmentInputSchema>;

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

function decodeBase64(filename: string, text: string, declaredMime: string): Buffer {
  let payload = text;
  const dataUrl = /^data:([^;,]+)(;[^,]*)?,/.exec(payload.slice(0, 300));
  if (dataUrl) {
    if (!dataUrl[2]?.includes('base64')) {
      throw new AttachmentError('ATTACHMENT.INVALID_BASE64', `Attachment "${filename}": a data URL must be base64-encoded`, { filename });
    }
    if (dataUrl[1]?.toLowerCase() !== declaredMime) {
      throw new AttachmentError('ATTACHMENT.TYPE_MISMATCH', `Attachment "${filename}": the data URL says ${dataUrl[1]} but mime_type says ${declaredMime}`, { filename });
    }
    payload = payload.slice(dataUrl[0].length);
  }
  const compact = payload.replace(/[\r\n\t ]/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new AttachmentError('ATTACHMENT.INVALID_BASE64', `Attachment "${filename}": data is not valid base64`, { filename });
  }
  return Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
}

/**
 * Validates one attachment and returns its bytes. Rejects, naming the file: a type outside image/audio/video,
 * content over 15 MB (checked on the encoded length before decoding), invalid base64, and bytes whose signature is
 * not the declared type.
 */
export async function readAttachment(input: AttachmentInput, index = 0): Promise<MediaUpload> {
  const parsed = attachmentInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? 'attachment';
    throw new AttachmentError('ATTACHMENT.INVALID', `attachments[${index}].${field} ${issue?.message ?? 'is invalid'}`, { index, field });
  }
  const { filename, mime_type: mimeType, data } = parsed.data;
  const family = mimeType.split('/')[0];
  if (!ALLOWED_FAMILIES.includes(family as (typeof ALLOWED_FAMILIES)[number])) {
    throw new AttachmentError('ATTACHMENT.UNSUPPORTED_TYPE', `Attachment "${filename}": ${mimeType} is not accepted; only image/*, audio/* and video/* files are`, { filename, mime_type: mimeType });
  }
  const refused = REFUSED[mimeType];
  if (refused) throw new AttachmentError('ATTACHMENT.UNSUPPORTED_TYPE', `Attachment "${filename}": ${refused}`, { filename, mime_type: mimeType });
  if (data.length > MAX_BASE64_CHARS) {
    throw new AttachmentError('ATTACHMENT.TOO_LARGE', `Attachment "${filename}" is larger than 15 MB`, { filename, max_bytes: MAX_ATTACHMENT_BYTES });
  }
  const bytes = decodeBase64(filename, data, mimeType);
  if (bytes.length > MAX_ATTACHMENT_BYTES) {
    throw new AttachmentError('ATTACHMENT.TOO_LARGE', `Attachment "${filename}" is ${bytes.length} bytes, larger than 15 MB`, { filename, max_bytes: MAX_ATTACHMENT_BYTES });
  }
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected) {
    throw new AttachmentError('ATTACHMENT.UNRECOGNIZED_CONTENT', `Attachment "${filename}": the bytes are not a recognisable ${family} file`, { filename, mime_type: mimeType });
  }
  if (!mimeMatches(mimeType, detected.mime)) {
    throw new AttachmentError('ATTACHMENT.TYPE_MISMATCH', `Attachment "${filename}" is declared ${mimeType} but its content is ${detected.mime}`, { filename, mime_type: mimeType, detected: detected.mime });
  }
  return { filename, mimeType, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/** Validates every attachment before any is stored, so one bad file leaves nothing half-written. */
export async function readAttachments(inputs: readonly AttachmentInput[] | undefined): Promise<MediaUpload[]> {
  if (!inputs || inputs.length === 0) return [];
  if (inputs.length > MAX_ATTACHMENTS) {
    throw new AttachmentError('ATTACHMENT.TOO_MANY', `At most ${MAX_ATTACHMENTS} attachments per trade`, { count: inputs.length });
  }
  const uploads: MediaUpload[] = [];
  for (const [index, input] of inputs.entries()) uploads.push(await readAttachment(input, index));
  return uploads;
}
