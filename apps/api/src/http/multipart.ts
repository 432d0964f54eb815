// Streamed multipart/form-data: file parts are handed on as streams while they arrive, never buffered whole.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { PecuniaError, ValidationError } from '@pecunia/core';
import { deferBodyDigest, recordBodyDigest } from './body-digest';

export interface MultipartFile {
  filename: string;
  mimeType: string;
  /** The file's bytes as they arrive; errors with a 413 problem once `maxFileBytes` is passed. */
  stream: AsyncIterable<Buffer>;
}

export interface MultipartUpload {
  /** Text fields sent before the file part (fields after it arrive too late to steer parsing: see `lateFields`). */
  fields: Record<string, string>;
  file: MultipartFile;
  /** Names of fields that arrived after the file part; complete once `finished` has resolved. */
  lateFields(): string[];
  /** Resolves when the whole body has been read (rejects when it could not be). */
  finished(): Promise<void>;
}

export interface MultipartOptions {
  fileField: string;
  maxFileBytes: number;
  /** Text fields accepted; any other name is refused. */
  fieldNames: readonly string[];
}

const tooLarge = (max: number) =>
  new PecuniaError('BODY.FILE_TOO_LARGE', `The file is larger than ${+(max / 1024 / 1024).toFixed(2)} MB`, { status: 413 });

const invalid = (error: Error) => new ValidationError('BODY.MULTIPART_INVALID', `The multipart body could not be read: ${error.message}`);

/** Largest text field of an upload. */
const MAX_UPLOAD_FIELD_BYTES = 64 * 1024;
/** Room in an upload's body for its framing (boundaries, part headers) besides the file and the fields. */
const UPLOAD_FRAMING_BYTES = 64 * 1024;

/**
 * Starts reading a multipart request and resolves as soon as its file part begins, with the fields seen so far.
 * Rejects with a 400 when the request ends without the file, names an unknown field or sends two files. A form read
 * with `readMultipartForm`, its parts taken in the shape one file and a few fields need.
 */
export async function readMultipartUpload(req: Request, options: MultipartOptions): Promise<MultipartUpload> {
  const { fileField, fieldNames, maxFileBytes } = options;
  const unexpectedFile = () => new ValidationError('BODY.UNEXPECTED_FILE', `Send one file, in the form field "${fileField}"`);
  const form = readMultipartForm(req, {
    // The file's own limit is checked as it is read (a 413 naming the file); the body may hold it and every field.
    maxBodyBytes: maxFileBytes + fieldNames.length * MAX_UPLOAD_FIELD_BYTES + UPLOAD_FRAMING_BYTES,
    names: [fileField, ...fieldNames],
    maxParts: fieldNames.length + 1,
    maxFields: fieldNames.length,
    maxFieldBytes: MAX_UPLOAD_FIELD_BYTES,
    // Before the size of a text part is looked at: a file sent as text is a mistake of its own, whatever its length.
    refusePart: (kind, name) => (kind === 'file' ? (name === fileField ? undefined : unexpectedFile()) : name === fileField ? unknownField(fileField, fieldNames) : undefined),
  });
  const fields: Record<string, string> = {};
  // A refusal drops the rest of the form, so the connection is left ready for the next request.
  const orDiscard = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      form.discard();
      throw error;
    }
  };
  return orDiscard(async () => {
    // Misplaced parts are refused by refusePart: here a file is the upload's, a field one of its text fields.
    for (let part = await form.nextPart(); part; part = await form.nextPart()) {
      if (part.kind === 'field') {
        fields[part.name] = part.value;
        continue;
      }
      const late: string[] = [];
      // Fields after the file are read once it has been: their names are kept, their values arrive too late.
      const finished = () =>
        orDiscard(async () => {
          for (let next = await form.nextPart(); next; next = await form.nextPart()) {
            if (next.kind === 'file') throw unexpectedFile();
            late.push(next.name);
          }
          await form.finished();
        });
      const file = { filename: part.filename, mimeType: part.mimeType, stream: atMost(part.chunks, maxFileBytes, form) };
      return { fields, file, lateFields: () => [...late], finished };
    }
    throw new ValidationError('IMPORT.FILE_MISSING', `The form has no file: send it in the field "${fileField}"`);
  });
}

const unknownField = (fileField: string, fieldNames: readonly string[]) =>
  new ValidationError('BODY.UNKNOWN_FIELD', `Form field "${fileField}" must be a file; text fields are ${fieldNames.join(', ')}`);

/** A file's bytes, refused (413) once past `maxBytes`: the rest of the form is then dropped. */
async function* atMost(chunks: AsyncIterable<Buffer>, maxBytes: number, form: MultipartForm): AsyncIterable<Buffer> {
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > maxBytes) {
      form.discard();
      throw tooLarge(maxBytes);
    }
    yield chunk;
  }
}

/** A part of a form, as it arrives: a text field whole, a file as a stream of its bytes. */
export type FormPart =
  | { kind: 'field'; name: string; value: string }
  | { kind: 'file'; name: string; filename: string; mimeType: string; chunks: AsyncIterable<Buffer> };

export interface MultipartFormOptions {
  /** The whole body, framing included; past it the form fails with a 413 (BODY.TOO_LARGE). */
  maxBodyBytes: number;
  /** Part names accepted; any other is refused (BODY.UNKNOWN_FIELD). Their order is the route's to check. */
  names: readonly string[];
  /** Parts in all; one more is refused (BODY.TOO_MANY_FIELDS). */
  maxParts: number;
  /** Largest text field (BODY.FIELD_TOO_LARGE). */
  maxFieldBytes: number;
  /** Text fields in all, when fewer than maxParts; one more is refused (BODY.TOO_MANY_FIELDS). */
  maxFields?: number;
  /** The route's own refusal of a part by its kind and name (a file where text belongs…), asked before any other check. */
  refusePart?(kind: FormPart['kind'], name: string): Error | undefined;
}

export interface MultipartForm {
  /**
   * The next part, or null once the form has ended. A file's bytes must be read before the part after it arrives;
   * any of them left unread are skipped (and still fingerprinted) when the next part is asked for.
   */
  nextPart(): Promise<FormPart | null>;
  /**
   * Reads whatever is left of the body (skipping it) and resolves with the form's fingerprint once all of it has
   * arrived intact; rejects with the problem that stopped it (cut short, malformed, too large…).
   */
  finished(): Promise<string>;
  /** Stops reading the form; the rest of the body is read and dropped, so the connection stays usable. */
  discard(): void;
}

/**
 * Reads a multipart body part by part as it streams in: files are handed on as streams, never buffered whole. The
 * form's fingerprint (for Idempotency-Key) is a hash of its parts — name, file name and type, and a hash of the bytes
 * of each — rather than of the raw body, whose boundary a client picks anew for every send: a retry of the same form
 * has the same fingerprint, any other content another.
 */
export function readMultipartForm(req: Request, options: MultipartFormOptions): MultipartForm {
  return new FormReader(req, options);
}

interface PendingFile {
  drain(): Promise<void>;
}

class FormReader implements MultipartForm {
  private readonly queue: Array<{ part: FormPart; pending?: PendingFile }> = [];
  private readonly entries: string[] = [];
  private waiter: (() => void) | undefined;
  private current: PendingFile | undefined;
  private activeStream: Readable | undefined;
  private failure: Error | undefined;
  private ended = false;
  private received = 0;
  private digest: string | undefined;
  private readonly parser: busboy.Busboy | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.received += chunk.length;
    if (this.received > this.options.maxBodyBytes) this.fail(bodyTooLarge(this.options.maxBodyBytes));
  };

  constructor(
    private readonly req: Request,
    private readonly options: MultipartFormOptions,
  ) {
    try {
      this.parser = busboy({
        headers: req.headers,
        // File names as clients send them (browsers, undici's FormData, our SDK): raw UTF-8, not busboy's latin1 default.
        defParamCharset: 'utf8',
        // busboy reports `parts` on reaching the limit, not on passing it: one more lets exactly maxParts through.
        limits: { parts: options.maxParts + 1, fields: options.maxFields ?? options.maxParts, files: options.maxParts, fieldSize: options.maxFieldBytes },
      });
    } catch (error) {
      this.failure = invalid(error as Error);
      req.resume();
      return;
    }
    const parser = this.parser;
    parser.on('field', (name: string, value: string, info: busboy.FieldInfo) => {
      if (!this.accepts('field', name)) return;
      if (info.valueTruncated) return this.fail(new ValidationError('BODY.FIELD_TOO_LARGE', `Form field "${name}" is larger than ${Math.round(options.maxFieldBytes / 1024)} KB`));
      this.entries.push(JSON.stringify(['field', name, sha256(Buffer.from(value, 'utf8'))]));
      this.push({ part: { kind: 'field', name, value } });
    });
    parser.on('file', (name: string, stream: Readable, info: busboy.FileInfo) => {
      if (!this.accepts('file', name)) {
        stream.resume();
        return;
      }
      const entry = this.entries.push('') - 1;
      const file = this.fileChunks(stream, (size, hash) => {
        this.entries[entry] = JSON.stringify(['file', name, info.filename ?? '', info.mimeType, size, hash]);
      });
      this.push({ part: { kind: 'file', name, filename: info.filename ?? '', mimeType: info.mimeType, chunks: file.chunks }, pending: file });
    });
    parser.on('partsLimit', () => this.fail(new ValidationError('BODY.TOO_MANY_FIELDS', 'Too many form parts')));
    parser.on('fieldsLimit', () => this.fail(new ValidationError('BODY.TOO_MANY_FIELDS', 'Too many form parts')));
    parser.on('filesLimit', () => this.fail(new ValidationError('BODY.TOO_MANY_FIELDS', 'Too many form parts')));
    parser.on('error', (error: Error) => this.fail(invalid(error)));
    parser.on('close', () => {
      this.ended = true;
      this.wake();
    });
    req.on('aborted', () => this.fail(new PecuniaError('REQUEST.ABORTED', 'The client closed the request before the body arrived', { status: 400 })));
    req.on('data', this.onData);
    req.pipe(parser);
    deferBodyDigest(req, () => this.finished());
    // An answer sent before the form was read (a refused key, a problem found early) must not leave the upload stalled
    // on a parser nobody reads: what is left is dropped.
    req.res?.once('close', () => this.discard());
  }

  async nextPart(): Promise<FormPart | null> {
    // busboy moves on to the next part only once this file's bytes are read.
    await this.current?.drain();
    this.current = undefined;
    for (;;) {
      if (this.failure) throw this.failure;
      const next = this.queue.shift();
      if (next) {
        this.current = next.pending;
        return next.part;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  async finished(): Promise<string> {
    while ((await this.nextPart()) !== null);
    await this.current?.drain();
    if (this.digest === undefined) {
      this.digest = `multipart:${sha256(Buffer.from(this.entries.join('\n')))}`;
      recordBodyDigest(this.req, this.digest);
    }
    return this.digest;
  }

  discard(): void {
    if (this.ended && this.queue.length === 0) return;
    this.stop(new PecuniaError('REQUEST.DISCARDED', 'The rest of the form was not read', { status: 400 }));
  }

  private accepts(kind: FormPart['kind'], name: string): boolean {
    const refused = this.options.refusePart?.(kind, name);
    if (refused) {
      this.fail(refused);
      return false;
    }
    if (this.options.names.includes(name)) return true;
    this.fail(new ValidationError('BODY.UNKNOWN_FIELD', `Unknown form part "${name}"; expected ${this.options.names.join(', ')}`));
    return false;
  }

  private push(queued: { part: FormPart; pending?: PendingFile }): void {
    if (this.failure) return;
    this.queue.push(queued);
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.stop(error);
    this.wake();
  }

  /** Stops parsing; the file being read fails with `error`, and the rest of the body is read and dropped. */
  private stop(error: Error): void {
    this.failure ??= error;
    if (this.parser) this.req.unpipe(this.parser);
    this.req.off('data', this.onData);
    this.req.resume();
    this.activeStream?.destroy(error);
  }

  /** A file part's bytes, each chunk hashed on its way; `done` gets the size and hash once the part has ended. */
  private fileChunks(stream: Readable, done: (size: number, hash: string) => void): PendingFile & { chunks: AsyncIterable<Buffer> } {
    this.activeStream = stream;
    // Held from the start: busboy may fail the part before anyone reads it, and an error with no listener would crash.
    stream.on('error', () => undefined);
    const source = stream.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer>;
    const hash = createHash('sha256');
    let size = 0;
    let over = false;
    const next = async (): Promise<IteratorResult<Buffer>> => {
      if (over) return { done: true, value: undefined };
      let result: IteratorResult<Buffer>;
      try {
        result = await source.next();
      } catch (error) {
        // busboy fails the part itself on a body cut short ("Unexpected end of form"): the client's fault, not ours.
        throw this.failure ?? (error instanceof PecuniaError ? error : invalid(error as Error));
      }
      if (this.failure) throw this.failure;
      if (result.done) {
        over = true;
        if (this.activeStream === stream) this.activeStream = undefined;
        done(size, hash.digest('hex'));
        return result;
      }
      hash.update(result.value);
      size += result.value.length;
      return result;
    };
    const iterator: AsyncIterator<Buffer> = { next, return: async () => ({ done: true, value: undefined }) };
    return {
      chunks: { [Symbol.asyncIterator]: () => iterator },
      drain: async () => {
        while (!(await next()).done);
      },
    };
  }
}

function bodyTooLarge(maxBytes: number): PecuniaError {
  return new PecuniaError('BODY.TOO_LARGE', 'The request body is larger than this server accepts', { status: 413, details: { max_bytes: maxBytes } });
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
