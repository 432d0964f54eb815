// HTTP plumbing of the Google stand-in: bodies in, Google-shaped JSON and error bodies out, multipart/related split.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as the stand-in's routes see it: path decoded, body read in full. */
export interface StandInRequest {
  req: IncomingMessage;
  method: string;
  /** Percent-decoded path, as recorded in `calls`. */
  path: string;
  /** Path as sent: a Sheets range keeps its `:` encoded there, which tells it apart from the `:append` suffix. */
  rawPath: string;
  query: URLSearchParams;
  body: Buffer;
  /** The stand-in's root URL, for absolute URLs in answers (a session URI). */
  baseUrl: string;
}

/** Google's canonical status names, as they appear in `error.status`. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const REASONS: Record<number, string> = {
  400: 'badRequest',
  401: 'authError',
  403: 'forbidden',
  404: 'notFound',
  429: 'rateLimitExceeded',
  500: 'backendError',
  503: 'backendError',
};

/** Raised by a route to answer with Google's error body; anything else thrown becomes a 500. */
export class GoogleHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason = REASONS[status] ?? 'unknown',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** `{ error: { code, message, status, errors: [...] } }`, the body every Google JSON API answers failures with. */
export function googleErrorBody(status: number, message: string, reason = REASONS[status] ?? 'unknown'): unknown {
  return {
    error: {
      code: status,
      message,
      errors: [{ message, domain: reason === 'rateLimitExceeded' ? 'usageLimits' : 'global', reason }],
      status: STATUS_NAMES[status] ?? 'UNKNOWN',
    },
  };
}

/** What a route answers; the server writes it, or swaps it for an injected fault after the route has run. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  bytes?: Buffer;
  contentType?: string;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ status, headers, json: body });

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string | number> = { ...reply.headers };
  let payload: Buffer | undefined;
  if (reply.json !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.json));
    headers['content-type'] = 'application/json; charset=UTF-8';
  } else if (reply.bytes !== undefined) {
    payload = reply.bytes;
    headers['content-type'] = reply.contentType ?? 'application/octet-stream';
  }
  headers['content-length'] = payload?.byteLength ?? 0;
  res.writeHead(reply.status, headers);
  res.end(payload);
}

// Above Drive's 15 MB attachments with room for multipart framing; a runaway client fails instead of eating memory.
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > MAX_BODY_BYTES) throw new GoogleHttpError(413, 'Request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(body: Buffer): unknown {
  if (body.byteLength === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new GoogleHttpError(400, 'Invalid JSON payload received.', 'parseError');
  }
}

export interface MultipartPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits a multipart/related body byte-exactly (media parts are binary, so no string round trip). */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartPart[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (!contentType?.toLowerCase().startsWith('multipart/') || !boundary) {
    throw new GoogleHttpError(400, 'Invalid multipart request with 0 mime parts.');
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    let from = start + delimiter.byteLength;
    if (body.subarray(from, from + 2).toString() === '--') break;
    if (body.subarray(from, from + 2).toString() === '\r\n') from += 2;
    const next = body.indexOf(delimiter, from);
    if (next === -1) break;
    // The CRLF before a delimiter belongs to the delimiter, not to the part's content.
    const end = body.subarray(next - 2, next).toString() === '\r\n' ? next - 2 : next;
    const part = body.subarray(from, end);
    const split = part.indexOf('\r\n\r\n');
    const head = split === -1 ? '' : part.subarray(0, split).toString('utf8');
    const headers: Record<string, string> = {};
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: split === -1 ? part : part.subarray(split + 4) });
    start = next;
  }
  if (parts.length !== 2) throw new GoogleHttpError(400, `Invalid multipart request with ${parts.length} mime parts.`);
  return parts;
}

/**
 * `fields=id,name,size` as a set of top-level names; nested selections (`files(id)`, `sheets.properties.title`)
 * keep their whole top-level value (the stand-in does not trim inside it).
 */
export function selectFields<T extends Record<string, unknown>>(resource: T, fields: string | undefined, defaults: readonly string[]): Partial<T> {
  const names = fields
    ? fields
        .replace(/\([^)]*\)/g, '')
        .split(',')
        .map((name) => name.trim().split(/[./]/)[0] ?? '')
        .filter(Boolean)
    : defaults;
  if (names.includes('*')) return resource;
  const selected: Partial<T> = {};
  for (const name of names) {
    if (resource[name] !== undefined) (selected as Record<string, unknown>)[name] = resource[name];
  }
  return selected;
}
