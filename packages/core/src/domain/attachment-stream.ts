// Attachments that arrive as streams (multipart file parts): the base64 route's rules, applied as the bytes pass.
import {
  attachmentTooLarge,
  checkContent,
  checkDeclared,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  tooManyAttachments,
  type MediaUpload,
} from './attachment-upload';

/** A file as a client streams it: declared name and type, and its bytes in order. */
export interface AttachmentStream {
  filename: string;
  mimeType: string;
  chunks: AsyncIterable<Uint8Array>;
}

/** A file whose bytes arrive in pieces: stored as they come, never held whole. */
export interface MediaStreamUpload {
  filename: string;
  mimeType: string;
  /** The bytes in order. An error thrown while they are read fails the put, and nothing is kept. */
  chunks: AsyncIterable<Uint8Array>;
}

/** Whether a put brings its bytes as chunks (anything else must bring them whole, as `data`). */
export function isStreamUpload(upload: MediaUpload | MediaStreamUpload): upload is MediaStreamUpload {
  const { chunks } = upload as Partial<MediaStreamUpload>;
  return typeof chunks === 'object' && chunks !== null && Symbol.asyncIterator in chunks;
}

/**
 * Bytes gathered before the signature check. file-type finds every format it knows within its first 4100 bytes; the
 * margin covers containers whose box it looks for a little further.
 */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Checks a streamed file as the base64 route checks a decoded one — declared name and type first, then the signature
 * of its first bytes — and answers it ready to store: its chunks go on as they arrive, and the one that takes the file
 * past 15 MB throws ATTACHMENT.TOO_LARGE instead (the store then keeps nothing of it).
 */
export async function openAttachment(file: AttachmentStream, index: number): Promise<MediaStreamUpload> {
  const { filename, mimeType } = checkDeclared({ filename: file.filename, mime_type: file.mimeType }, index);
  const source = file.chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size < SNIFF_BYTES) {
    const next = await source.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    size += next.value.byteLength;
  }
  if (size > MAX_ATTACHMENT_BYTES) throw attachmentTooLarge(filename);
  const start = head.length === 1 ? head[0]! : Buffer.concat(head);
  await checkContent(filename, mimeType, start);
  return { filename, mimeType, chunks: bounded(filename, start, ended ? undefined : source) };
}

async function* bounded(filename: string, start: Uint8Array, rest: AsyncIterator<Uint8Array> | undefined): AsyncGenerator<Uint8Array> {
  let size = start.byteLength;
  yield start;
  if (!rest) return;
  for (let next = await rest.next(); !next.done; next = await rest.next()) {
    size += next.value.byteLength;
    if (size > MAX_ATTACHMENT_BYTES) throw attachmentTooLarge(filename);
    yield next.value;
  }
}

/** Each file opened in turn (see `openAttachment`); one more than MAX_ATTACHMENTS is refused before it is read. */
export async function* openAttachments(files: AsyncIterable<AttachmentStream>): AsyncGenerator<MediaStreamUpload> {
  let index = 0;
  for await (const file of files) {
    if (index >= MAX_ATTACHMENTS) throw tooManyAttachments(index + 1);
    yield await openAttachment(file, index++);
  }
}

/**
 * Every streamed file read whole and checked exactly as a decoded base64 one (for a narrative, whose extractor reads
 * the files before anything is stored): at most MAX_ATTACHMENTS, each refused as soon as it passes 15 MB.
 */
export async function collectAttachments(files: AsyncIterable<AttachmentStream>): Promise<MediaUpload[]> {
  const uploads: MediaUpload[] = [];
  for await (const file of files) {
    if (uploads.length >= MAX_ATTACHMENTS) throw tooManyAttachments(uploads.length + 1);
    const { filename, mimeType } = checkDeclared({ filename: file.filename, mime_type: file.mimeType }, uploads.length);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of file.chunks) {
      size += chunk.byteLength;
      if (size > MAX_ATTACHMENT_BYTES) throw attachmentTooLarge(filename);
      chunks.push(chunk);
    }
    const data = Buffer.concat(chunks, size);
    await checkContent(filename, mimeType, data);
    uploads.push({ filename, mimeType, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  }
  return uploads;
}
