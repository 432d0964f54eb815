// Streamed multipart/form-data: the one file part is handed on as a stream while it arrives, never buffered whole.
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { PecuniaError, ValidationError } from '@pecunia/core';

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

/**
 * The file part as bytes, refusing (413) once busboy reports the size limit. Errors are held from the start: busboy
 * may fill and fail the part before anyone reads it, and an error with no listener would crash the process.
 */
function guarded(stream: Readable & { truncated?: boolean }, maxBytes: number): AsyncIterable<Buffer> {
  let failure: Error | undefined;
  let over = false;
  stream.on('limit', () => {
    over = true;
  });
  stream.on('error', (error: Error) => {
    failure ??= error;
  });
  return (async function* () {
    try {
      if (failure) throw failure;
      for await (const chunk of stream) {
        if (over) throw tooLarge(maxBytes);
        yield chunk as Buffer;
      }
    } catch (error) {
      // busboy fails the file part itself on a body cut short ("Unexpected end of form"): the client's fault, not ours.
      throw error instanceof PecuniaError ? error : invalid(error as Error);
    }
    if (over || stream.truncated) throw tooLarge(maxBytes);
  })();
}

/**
 * Starts reading a multipart request and resolves as soon as its file part begins, with the fields seen so far.
 * Rejects with a 400 when the request ends without the file, names an unknown field or sends two files.
 */
export function readMultipartUpload(req: Request, options: MultipartOptions): Promise<MultipartUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: options.fieldNames.length, fieldSize: 64 * 1024, parts: options.fieldNames.length + 1, fileSize: options.maxFileBytes },
      });
    } catch (error) {
      reject(new ValidationError('BODY.MULTIPART_INVALID', `The multipart body could not be read: ${(error as Error).message}`));
      return;
    }
    const fields: Record<string, string> = {};
    let markFinished: () => void = () => undefined;
    let markBroken: (error: Error) => void = () => undefined;
    const finished = new Promise<void>((done, broken) => {
      markFinished = done;
      markBroken = broken;
    });
    // Only awaited once the file is read; until then a failure reaches the caller through the file stream or `fail`.
    finished.catch(() => undefined);
    const late: string[] = [];
    let fileStarted = false;
    let settled = false;
    const fail = (error: Error) => {
      markBroken(error);
      if (!settled) {
        settled = true;
        reject(error);
      }
      req.unpipe(parser);
      req.resume();
    };
    parser.on('field', (name) => {
      if (!options.fieldNames.includes(name)) fail(new ValidationError('BODY.UNKNOWN_FIELD', `Unknown form field "${name}"; expected ${[options.fileField, ...options.fieldNames].join(', ')}`));
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new ValidationError('BODY.FIELD_TOO_LARGE', `Form field "${name}" is larger than 64 KB`));
      if (fileStarted) late.push(name);
      else fields[name] = value;
    });
    parser.on('file', (name, stream: Readable & { truncated?: boolean }, info) => {
      if (name !== options.fileField || fileStarted) {
        stream.resume();
        fail(new ValidationError('BODY.UNEXPECTED_FILE', `Send one file, in the form field "${options.fileField}"`));
        return;
      }
      fileStarted = true;
      const bytes = guarded(stream, options.maxFileBytes);
      if (!settled) {
        settled = true;
        resolve({ fields, file: { filename: info.filename ?? '', mimeType: info.mimeType, stream: bytes }, lateFields: () => [...late], finished: () => finished });
      }
    });
    parser.on('filesLimit', () => fail(new ValidationError('BODY.UNEXPECTED_FILE', `Send one file, in the form field "${options.fileField}"`)));
    parser.on('fieldsLimit', () => fail(new ValidationError('BODY.TOO_MANY_FIELDS', 'Too many form fields')));
    parser.on('partsLimit', () => fail(new ValidationError('BODY.TOO_MANY_FIELDS', 'Too many form parts')));
    parser.on('error', (error: Error) => fail(invalid(error)));
    parser.on('close', () => {
      markFinished();
      if (!fileStarted) fail(new ValidationError('IMPORT.FILE_MISSING', `The form has no file: send it in the field "${options.fileField}"`));
    });
    req.on('aborted', () => fail(new PecuniaError('REQUEST.ABORTED', 'The client closed the request before the body arrived', { status: 400 })));
    req.pipe(parser);
  });
}
