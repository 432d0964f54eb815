// Checks a JSON body's raw bytes before it is parsed: nesting depth bounded, UTF-8 only, and — for a request with an
// Idempotency-Key — a hash of exactly the bytes received, the request's fingerprint.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PecuniaError, ValidationError } from '@pecunia/core';

/** Deepest nesting of arrays and objects accepted: no request of this API needs more than a handful of levels. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

const digests = new WeakMap<IncomingMessage, string>();

/**
 * True when the UTF-8 JSON text nests arrays or objects deeper than `max`. A scan of the bytes, with no parsing and no
 * recursion: brackets inside strings do not count, and strings (base64 attachments, mostly) are skipped with the
 * native `indexOf`. Malformed text is not judged here; `JSON.parse` refuses it next.
 */
export function nestsDeeperThan(bytes: Buffer, max: number): boolean {
  let depth = 0;
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      let end = bytes.indexOf(QUOTE, i + 1);
      // A quote preceded by an odd run of backslashes is escaped: the string goes on.
      while (end !== -1 && escaped(bytes, end)) end = bytes.indexOf(QUOTE, end + 1);
      if (end === -1) return false;
      i = end + 1;
      continue;
    }
    if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
    i++;
  }
  return false;
}

function escaped(bytes: Buffer, quote: number): boolean {
  let run = 0;
  for (let k = quote - 1; k >= 0 && bytes[k] === BACKSLASH; k--) run++;
  return run % 2 === 1;
}

/**
 * The `verify` option of `express.json`: runs on the raw (inflated) body before it is parsed. A thrown PecuniaError
 * keeps its status and code through body-parser to the error handler.
 */
export function verifyJsonBody(req: IncomingMessage, _res: unknown, body: Buffer, encoding: string): void {
  // RFC 8259 §8.1: JSON between systems is UTF-8; the byte scan below relies on it.
  if (encoding.toLowerCase() !== 'utf-8') {
    throw new PecuniaError('BODY.UNSUPPORTED_ENCODING', 'The request body encoding is not supported; send UTF-8 JSON', { status: 415 });
  }
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new ValidationError('BODY.TOO_DEEP', `The request body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`);
  }
  // Hashed only when a fingerprint will be needed; the bytes as received, so no re-serialisation can fail or differ.
  if (req.headers['idempotency-key'] !== undefined) digests.set(req, createHash('sha256').update(body).digest('hex'));
}

/** The SHA-256 (hex) of the JSON body `verifyJsonBody` saw for this request; undefined when it saw none. */
export function bodyDigest(req: IncomingMessage): string | undefined {
  return digests.get(req);
}
