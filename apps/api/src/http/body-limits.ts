// Request bodies are bounded before a byte of them is read: no compressed bodies, and a declared size over the limit
// is refused from its headers. The JSON parser runs only where a route needs it — behind the key check for the API.
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { readJsonBody, type JsonPath } from './json-body';
import { sendProblem } from './problem';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** A JSON limit for routes reachable without a key (the Google callback): what they take is a few hundred bytes. */
export const PUBLIC_JSON_LIMIT_BYTES = 64 * 1024;

/**
 * Refuses any body with a `Content-Encoding` (gzip, br, deflate…) with 415, from its headers: a body of a few
 * kilobytes could otherwise inflate to the whole body limit in memory (a decompression bomb). Runs before
 * authentication, so the refusal costs nothing; the body is never read.
 */
export const refuseEncodedBodies: RequestHandler = (req, res, next) => {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity' || !hasBody(req)) return next();
  return sendProblem(res, 415, 'BODY.ENCODING_UNSUPPORTED', 'Compressed request bodies are not accepted; send the body without Content-Encoding');
};

/** As body-parser decides it: a body is announced by Transfer-Encoding or a non-zero Content-Length. */
const hasBody = (req: IncomingMessage): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * A `Content-Length` above `maxBytes` on a body of one of `types` is a 413 from the headers, before anything is read
 * (reading a body only to discard it would cost the transfer).
 */
export function declaredSizeLimit(maxBytes: number, types: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes && req.is([...types])) {
      return sendProblem(res, 413, 'BODY.TOO_LARGE', 'The request body is larger than this server accepts', { max_bytes: maxBytes });
    }
    next();
  };
}

/**
 * The JSON body parser with its limit checked first: a `Content-Length` above `maxBytes` is a 413 before anything is
 * read, a chunked body stops at `maxBytes`. Bodies are never inflated, and the raw bytes are checked (depth, UTF-8)
 * and hashed for Idempotency-Key before they are parsed (`readJsonBody`). `keepAsBytes`: long strings a route reads
 * as bytes (base64 attachments), which then never become JS strings.
 */
export function jsonBodyParser(maxBytes: number, options: { keepAsBytes?: readonly JsonPath[] } = {}): RequestHandler[] {
  const parse: RequestHandler = (req, _res, next) => {
    // Already read (a route's own parser ran first), no body at all, or not JSON: nothing for this parser.
    if (req.body !== undefined || !hasBody(req) || !req.is(JSON_TYPES)) return next();
    readJsonBody(req, { maxBytes, ...options }).then((body) => {
      req.body = body;
      next();
    }, next);
  };
  return [declaredSizeLimit(maxBytes, JSON_TYPES), parse];
}
