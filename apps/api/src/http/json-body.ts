// Reads a JSON body into one buffer and checks its raw bytes before it is parsed: size bounded, UTF-8 only, nesting
// depth bounded, and — for a request with an Idempotency-Key — a hash of exactly the bytes received, its fingerprint.
// Long strings at paths a route names (base64 attachments) stay in those bytes instead of becoming JS strings.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PecuniaError, ValidationError } from '@pecunia/core';
import { recordBodyDigest } from './body-digest';

/** Deepest nesting of arrays and objects accepted: no request of this API needs more than a handful of levels. */
export const MAX_JSON_DEPTH = 64;
/**
 * Largest body read into one buffer sized from its Content-Length (one copy of the bytes); a larger one is collected in
 * chunks and joined (two). Bounds what a declared length alone can make the server reserve.
 */
export const PREALLOCATE_MAX_BYTES = 64 * 1024 * 1024;
/** A string value shorter than this is always parsed as usual: keeping it as bytes would save nothing. */
export const KEEP_AS_BYTES_FROM = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Where a value sits: object keys, and `*` for any array index (`['attachments', '*', 'data']`). */
export type JsonPath = readonly string[];

export interface JsonBodyOptions {
  maxBytes: number;
  /** Long string values at these paths stay bytes of the body: the parsed value holds a token `keptBytes` resolves. */
  keepAsBytes?: readonly JsonPath[];
}

/** Bytes kept for each request, by the token that stands for them in its parsed body. */
const keptByRequest = new WeakMap<IncomingMessage, Map<string, Uint8Array>>();

const failure = {
  tooLarge: (maxBytes: number) => new PecuniaError('BODY.TOO_LARGE', 'The request body is larger than this server accepts', { status: 413, details: { max_bytes: maxBytes } }),
  aborted: () => new PecuniaError('BODY.ABORTED', 'The request body was not received completely', { status: 400 }),
  malformed: () => new ValidationError('BODY.MALFORMED_JSON', 'The request body is not valid JSON'),
  encoding: () => new PecuniaError('BODY.UNSUPPORTED_ENCODING', 'The request body encoding is not supported; send UTF-8 JSON', { status: 415 }),
  tooDeep: () => new ValidationError('BODY.TOO_DEEP', `The request body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`),
};

/**
 * Reads, checks and parses the JSON body of `req` (its type already known to be JSON). The bytes go into one buffer,
 * sized from Content-Length when there is one; a body past `maxBytes` is refused as soon as it gets there, and what
 * is left of it is read and dropped so the connection stays usable.
 */
export async function readJsonBody(req: IncomingMessage, options: JsonBodyOptions): Promise<unknown> {
  // RFC 8259 §8.1: JSON between systems is UTF-8; the byte scans below rely on it.
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') throw failure.encoding();
  let raw: Buffer | undefined = await readRaw(req, options.maxBytes);
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) throw failure.tooDeep();
  // Hashed only when a fingerprint will be needed; the bytes as received, so no re-serialisation can fail or differ.
  if (req.headers['idempotency-key'] !== undefined) recordBodyDigest(req, createHash('sha256').update(raw).digest('hex'));
  const start = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  if (raw.length === start) return {};
  // A body shorter than KEEP_AS_BYTES_FROM holds no string that long: nothing to look for.
  const kept = options.keepAsBytes && raw.length - start > KEEP_AS_BYTES_FROM ? keepLongStrings(raw, start, options.keepAsBytes) : undefined;
  const text = kept ? kept.skeleton : raw.toString('utf8', start);
  // Nothing holds the raw bytes now but what was kept of them: they can go while the text is parsed.
  raw = undefined;
  // Strict, as body-parser was: an object or an array, nothing else.
  const first = /[^ \t\n\r]/.exec(text)?.[0];
  if (first !== '{' && first !== '[') throw failure.malformed();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw failure.malformed();
  }
  if (kept && kept.values.size > 0) keptByRequest.set(req, kept.values);
  return body;
}

/** The body bytes a parsed value stands for, when it is a token `readJsonBody` left for a kept string. */
export function keptBytes(req: IncomingMessage, value: unknown): Uint8Array | undefined {
  return typeof value === 'string' ? keptByRequest.get(req)?.get(value) : undefined;
}

function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const reader = new RawBodyReader(req, maxBytes, resolve, reject);
    // Anonymous listeners (a named closure per request costs a defineProperty under tsx); once settled, a reader takes
    // no more chunks: a refused body is read on and dropped, so the answer can go out and the connection be used again.
    req.on('data', (chunk: Buffer) => reader.data(chunk));
    req.on('end', () => reader.settle(undefined));
    req.on('aborted', () => reader.settle(failure.aborted()));
    req.on('error', () => reader.settle(failure.aborted()));
  });
}

/** One body being read into one buffer (see `readRaw`). */
class RawBodyReader {
  private buffer: Buffer | undefined;
  private chunks: Buffer[] = [];
  private received = 0;
  private settled = false;
  /**
   * Content-Length is enforced by Node's parser: a body sized from it is filled exactly, never past it. The buffer is
   * taken when the first byte arrives (a client that sends headers and waits reserves nothing), and only up to
   * PREALLOCATE_MAX_BYTES: a larger body is collected in chunks and joined at the end.
   */
  private readonly declared: number;
  private readonly sized: boolean;

  constructor(
    private readonly req: IncomingMessage,
    private readonly maxBytes: number,
    private readonly resolve: (body: Buffer) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.declared = Number(req.headers['content-length']);
    this.sized = Number.isSafeInteger(this.declared) && this.declared >= 0 && this.declared <= Math.min(maxBytes, PREALLOCATE_MAX_BYTES);
  }

  data(chunk: Buffer): void {
    if (this.settled) return;
    if (this.received + chunk.length > this.maxBytes) return this.settle(failure.tooLarge(this.maxBytes));
    if (this.sized && !this.buffer) this.buffer = Buffer.allocUnsafe(this.declared);
    if (this.buffer) chunk.copy(this.buffer, this.received);
    else this.chunks.push(chunk);
    this.received += chunk.length;
  }

  settle(error: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    const { buffer, chunks, received } = this;
    this.buffer = undefined;
    this.chunks = [];
    if (!error) {
      this.resolve(buffer ? buffer.subarray(0, received) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
      return;
    }
    // The rest of the body is read and dropped: the answer can go out and the connection be used again.
    this.req.resume();
    this.reject(error);
  }
}

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
      const end = closingQuote(bytes, i);
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

/** Where the string opened at `quote` ends, or -1: a quote preceded by an odd run of backslashes is escaped. */
function closingQuote(bytes: Buffer, quote: number): number {
  let end = bytes.indexOf(QUOTE, quote + 1);
  while (end !== -1 && escaped(bytes, end)) end = bytes.indexOf(QUOTE, end + 1);
  return end;
}

function escaped(bytes: Buffer, quote: number): boolean {
  let run = 0;
  for (let k = quote - 1; k >= 0 && bytes[k] === BACKSLASH; k--) run++;
  return run % 2 === 1;
}

interface Container {
  array: boolean;
  /** Object: the key of the value being read; array: the index, as text. */
  at: string | undefined;
  index: number;
  expectKey: boolean;
}

/**
 * Finds the string values at `paths` of `KEEP_AS_BYTES_FROM` bytes or more that are plain ASCII with nothing to
 * unescape (such a literal is exactly its bytes) and answers the text with each replaced by a token: a string no
 * client can send (a NUL and a random nonce), bound to a view of the bytes. Swapping one valid string literal for
 * another changes nothing else: what was valid JSON stays valid, and what was not stays not.
 */
function keepLongStrings(bytes: Buffer, start: number, paths: readonly JsonPath[]): { skeleton: string; values: Map<string, Uint8Array> } | undefined {
  const stack: Container[] = [];
  const spans: Array<[number, number]> = [];
  const deepest = Math.max(...paths.map((p) => p.length));
  for (let i = start; i < bytes.length; i++) {
    const byte = bytes[i];
    const top = stack[stack.length - 1];
    if (byte === QUOTE) {
      const end = closingQuote(bytes, i);
      if (end === -1) break;
      if (top && !top.array && top.expectKey) {
        // Keys deeper than any path, or too long to be one of its names, are never compared.
        top.at = stack.length <= deepest && end - i < 256 ? keyText(bytes, i, end) : undefined;
      } else if (end - i - 1 >= KEEP_AS_BYTES_FROM && atPath(stack, paths) && isPlain(bytes, i + 1, end)) {
        spans.push([i + 1, end]);
      }
      i = end;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      stack.push({ array: byte === OPEN_ARRAY, at: byte === OPEN_ARRAY ? '0' : undefined, index: 0, expectKey: byte === OPEN_OBJECT });
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      stack.pop();
    } else if (byte === COLON && top && !top.array) {
      top.expectKey = false;
    } else if (byte === COMMA && top) {
      if (top.array) top.at = String(++top.index);
      else top.expectKey = true;
    }
  }
  if (spans.length === 0) return undefined;
  const nonce = randomBytes(12).toString('hex');
  const values = new Map<string, Uint8Array>();
  const parts: string[] = [];
  let from = start;
  for (const [index, [open, close]] of spans.entries()) {
    const token = `\u0000kept:${nonce}:${index}`;
    parts.push(bytes.toString('utf8', from, open), `\\u0000kept:${nonce}:${index}`);
    values.set(token, bytes.subarray(open, close));
    from = close;
  }
  parts.push(bytes.toString('utf8', from));
  return { skeleton: parts.join(''), values };
}

function keyText(bytes: Buffer, open: number, close: number): string | undefined {
  try {
    return JSON.parse(bytes.toString('utf8', open, close + 1)) as string;
  } catch {
    return undefined;
  }
}

/** Whether the value being read sits at one of `paths` (its containers, from the root, name each step). */
function atPath(stack: readonly Container[], paths: readonly JsonPath[]): boolean {
  return paths.some((path) => path.length === stack.length && path.every((step, depth) => (step === '*' ? stack[depth]!.array : !stack[depth]!.array && stack[depth]!.at === step)));
}

/**
 * Only ASCII from 0x20 up, and no backslash, in `[from, to)`: the bytes are exactly the string, in any decoding.
 * Words of four bytes at a time.
 */
function isPlain(bytes: Buffer, from: number, to: number): boolean {
  const backslash = bytes.indexOf(BACKSLASH, from);
  if (backslash !== -1 && backslash < to) return false;
  const plain = (byte: number) => byte >= 0x20 && byte < 0x80;
  let i = from;
  while (i < to && (bytes.byteOffset + i) % 4 !== 0) if (!plain(bytes[i++]!)) return false;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, Math.floor((to - i) / 4));
  // A byte of x is below 0x20 exactly when the first term is non-zero (the classic "has less than" bit trick); one
  // has its top bit set when the second is.
  for (const x of words) if ((((x - 0x20202020) & ~x) | x) & 0x80808080) return false;
  for (i += words.length * 4; i < to; i++) if (!plain(bytes[i]!)) return false;
  return true;
}
