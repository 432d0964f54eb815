// A multipart/form-data body built as a stream: text parts, then files read a piece at a time (bytes, Blob or stream),
// with progress reported as the file bytes are read out to be sent.

/** A text part; `contentType` when it is not plain text (a JSON part). */
export interface TextPart {
  name: string;
  value: string;
  contentType?: string;
}

/** A file part: its bytes whole, as a Blob (a file on disk, in Node), or as a stream of unknown length. */
export interface FilePart {
  name: string;
  filename: string;
  contentType: string;
  data: Uint8Array | Blob | ReadableStream<Uint8Array>;
}

export interface MultipartBody {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  /** Bytes in all, when every file's size is known (a stream's is not): for Content-Length. */
  length: number | undefined;
}

const CHUNK = 256 * 1024;

const quoted = (text: string) => text.replace(/["\r\n\\]/g, '_');

const sizeOf = (data: FilePart['data']): number | undefined =>
  data instanceof Uint8Array ? data.byteLength : typeof Blob !== 'undefined' && data instanceof Blob ? data.size : undefined;

/** A file's bytes in pieces of at most CHUNK (a stream's pieces as they come). */
async function* piecesOf(data: FilePart['data']): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) {
    for (let offset = 0; offset < data.byteLength; offset += CHUNK) yield data.subarray(offset, offset + CHUNK);
    return;
  }
  const reader = (data instanceof ReadableStream ? data : data.stream()).getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    reader.releaseLock();
  }
}

/**
 * The parts in order as one streamed body. `onProgress(sent, total)` follows the file bytes: 0 once the first parts
 * are out, then after each piece; `total` is undefined when a file's size is not known.
 */
export function multipartBody(parts: ReadonlyArray<TextPart | FilePart>, onProgress?: (sent: number, total: number | undefined) => void): MultipartBody {
  const boundary = `----pecunia-${globalThis.crypto.randomUUID()}`;
  const encoder = new TextEncoder();
  const heads = parts.map((part) =>
    encoder.encode(
      'data' in part
        ? `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${quoted(part.filename)}"\r\nContent-Type: ${part.contentType}\r\n\r\n`
        : `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.contentType ? `\r\nContent-Type: ${part.contentType}` : ''}\r\n\r\n`,
    ),
  );
  const tail = encoder.encode(`--${boundary}--\r\n`);
  const newline = encoder.encode('\r\n');
  const values = parts.map((part) => ('data' in part ? undefined : encoder.encode(part.value)));
  const sizes = parts.map((part, i) => ('data' in part ? sizeOf(part.data) : values[i]!.byteLength));
  const files = parts.flatMap((part, i) => ('data' in part ? [sizes[i]] : []));
  const total = files.every((size) => size !== undefined) ? files.reduce<number>((sum, size) => sum + (size ?? 0), 0) : undefined;
  const known = sizes.every((size) => size !== undefined);
  const length = known ? heads.reduce((sum, head, i) => sum + head.byteLength + sizes[i]! + newline.byteLength, tail.byteLength) : undefined;

  async function* pieces(): AsyncGenerator<Uint8Array> {
    let sent = 0;
    let started = false;
    for (const [i, part] of parts.entries()) {
      yield heads[i]!;
      if (!('data' in part)) {
        yield values[i]!;
      } else {
        if (!started) onProgress?.(0, total);
        started = true;
        for await (const piece of piecesOf(part.data)) {
          yield piece;
          sent += piece.byteLength;
          onProgress?.(sent, total);
        }
      }
      yield newline;
    }
    yield tail;
  }
  const source = pieces();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await source.return(undefined);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, length };
}
