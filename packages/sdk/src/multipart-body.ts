// A multipart/form-data body: one Blob when every part's size is known (a file on disk stays on disk until sent), else
// a stream read a piece at a time (bytes, Blob or stream), with progress reported as the file bytes are read out.

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

export type Progress = (sent: number, total: number | undefined) => void;

export interface MultipartBody {
  contentType: string;
  /** Bytes in all, when every part's size is known (a stream's is not): for Content-Length. */
  length: number | undefined;
  /** File bytes in all (what progress counts), when every file's size is known. */
  fileBytes: number | undefined;
  /** The whole form as one Blob, typed with the boundary, when no part is a stream. */
  blob: Blob | undefined;
  /**
   * The form as a stream; `onProgress(sent, total)` follows the file bytes: 0 once the first parts are out, then after
   * each piece. Each call reads the parts afresh — possible any number of times unless a part is a stream.
   */
  stream(onProgress?: Progress): ReadableStream<Uint8Array>;
}

const CHUNK = 256 * 1024;

const quoted = (text: string) => text.replace(/["\r\n\\]/g, '_');

const isBlob = (data: unknown): data is Blob => typeof Blob !== 'undefined' && data instanceof Blob;

const sizeOf = (data: FilePart['data']): number | undefined => (data instanceof Uint8Array ? data.byteLength : isBlob(data) ? data.size : undefined);

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

/** The parts in order, as a Blob when their sizes are known and as a stream on demand. */
export function multipartBody(parts: ReadonlyArray<TextPart | FilePart>): MultipartBody {
  const boundary = `----pecunia-${globalThis.crypto.randomUUID()}`;
  const contentType = `multipart/form-data; boundary=${boundary}`;
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
  const values = parts.map((part) => ('data' in part ? part.data : encoder.encode(part.value)));
  const sizes = values.map(sizeOf);
  const files = parts.flatMap((part, i) => ('data' in part ? [sizes[i]] : []));
  const fileBytes = files.every((size) => size !== undefined) ? files.reduce<number>((sum, size) => sum + (size ?? 0), 0) : undefined;
  const known = sizes.every((size) => size !== undefined);
  const length = known ? heads.reduce((sum, head, i) => sum + head.byteLength + sizes[i]! + newline.byteLength, tail.byteLength) : undefined;
  // A Blob of Blobs refers to them rather than copying them: a file opened with openAsBlob is read only as it is sent.
  const blob = known
    ? new Blob([...heads.flatMap((head, i) => [head, values[i] as Uint8Array<ArrayBuffer> | Blob, newline]), tail], { type: contentType })
    : undefined;

  async function* pieces(onProgress?: Progress): AsyncGenerator<Uint8Array> {
    let sent = 0;
    let started = false;
    for (const [i, part] of parts.entries()) {
      yield heads[i]!;
      if (!('data' in part)) {
        yield values[i] as Uint8Array;
      } else {
        if (!started) onProgress?.(0, fileBytes);
        started = true;
        for await (const piece of piecesOf(part.data)) {
          yield piece;
          sent += piece.byteLength;
          onProgress?.(sent, fileBytes);
        }
      }
      yield newline;
    }
    yield tail;
  }

  const stream = (onProgress?: Progress) => {
    const source = pieces(onProgress);
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await source.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await source.return(undefined);
      },
    });
  };
  return { contentType, length, fileBytes, blob, stream };
}
