// Trades whose files are given as files: sent as multipart/form-data (the trade as JSON, then each file) rather than
// base64 inside JSON; see form-upload.ts for how the form is sent.
import type * as NodeFs from 'node:fs';
import type { Client } from 'openapi-fetch';
import type { paths } from './generated/api';
import { mimeTypeOf } from './mime';
import { formUpload } from './form-upload';
import type { FilePart } from './multipart-body';
import type { LogTradeRequest } from './types';

/** A file attached as itself: its bytes, a Blob or File, a stream, or — in Node — a path on disk. */
export interface AttachmentFile {
  /** e.g. `chart.png`; taken from `path` or a File when left out. */
  filename?: string;
  /** e.g. `image/png`; taken from a Blob's type, else from the file name's extension, when left out. */
  mimeType?: string;
  data?: Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>;
  /** Node: a file on disk, read as it is sent (instead of `data`). */
  path?: string;
}

/** An attachment as the JSON body carries it: `{ filename, mime_type, data }`, `data` in base64. */
export type Base64Attachment = NonNullable<LogTradeRequest['attachments']>[number];

/** Trade fields with attachments of either kind: all base64 (sent as JSON), or all files (sent as a form). */
export type WithAttachments<T extends { attachments?: unknown }> = Omit<T, 'attachments'> & { attachments?: Array<Base64Attachment | AttachmentFile> };

export interface TradeForm {
  trade: Record<string, unknown>;
  files: FilePart[];
}

const isFile = (attachment: Base64Attachment | AttachmentFile): attachment is AttachmentFile => typeof attachment.data !== 'string';

/**
 * The body as a form when its attachments are files (each checked, a path opened), undefined when it goes as JSON (no
 * files, or base64 ones). A mix of both is refused: say which way to send.
 */
export async function asForm(body: { attachments?: Array<Base64Attachment | AttachmentFile> }): Promise<TradeForm | undefined> {
  const { attachments, ...trade } = body;
  if (!attachments?.some(isFile)) return undefined;
  if (!attachments.every(isFile)) {
    throw new TypeError('Give the attachments either all as base64 `data` strings (sent as JSON) or all as files (sent as multipart/form-data)');
  }
  return { trade, files: await Promise.all(attachments.map(filePart)) };
}

// Named through a variable so that bundlers for the browser leave Node's module alone.
const NODE_FS = 'node:fs';

/** A file part from an attachment; a path becomes a Blob read from disk as it is sent. */
async function filePart(file: AttachmentFile): Promise<FilePart> {
  let data = file.data;
  let filename = file.filename ?? (typeof File !== 'undefined' && data instanceof File ? data.name : undefined);
  if (file.path !== undefined) {
    filename ??= file.path.split(/[\\/]/).pop();
    const fs = (await import(NODE_FS)) as typeof NodeFs;
    data = await fs.openAsBlob(file.path);
  }
  if (!filename) throw new TypeError('An attachment needs a filename (or a path, or a File)');
  if (data === undefined) throw new TypeError(`Attachment "${filename}" has neither data nor a path`);
  const blobType = typeof Blob !== 'undefined' && data instanceof Blob ? data.type : '';
  const contentType = file.mimeType ?? (blobType || mimeTypeOf(filename));
  if (!contentType) throw new TypeError(`The type of attachment "${filename}" cannot be told from its name: give its mimeType`);
  return { name: 'attachments', filename, contentType, data: data instanceof ArrayBuffer ? new Uint8Array(data) : data };
}

export interface FormOptions {
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number | undefined) => void;
}

/** Sends a trade form to `path`: the trade part (JSON) first, then the files. */
export async function sendTradeForm<P extends '/api/trades' | '/api/trades/submit'>(
  api: Client<paths>,
  path: P,
  form: TradeForm,
  options: FormOptions,
): Promise<{ data?: unknown; error?: unknown; response: Response }> {
  const trade = { name: 'trade', value: JSON.stringify(form.trade), contentType: 'application/json' };
  const upload = formUpload([trade, ...form.files], options.onProgress);
  const result = await (api.POST(path, {
    params: { query: options.query, header: options.headers },
    signal: options.signal,
    ...upload.init,
  } as never) as Promise<{ data?: unknown; error?: unknown; response: Response }>);
  upload.answered(result.response);
  return result;
}
