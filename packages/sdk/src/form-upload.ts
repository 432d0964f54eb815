// How a multipart form is sent: as a Blob wherever its size is known, so that no runtime needs streamed request bodies;
// as a half-duplex stream only for stream inputs, or in Node to observe upload progress.
import { multipartBody, type FilePart, type Progress, type TextPart } from './multipart-body';
import { replayOption } from './replay';

/** Node (and Bun, Deno) send a streamed request body over HTTP/1.1; Firefox and Safari do not, Chrome only over HTTP/2. */
export const streamsRequestBodies = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

export interface FormUpload {
  /** Request options for openapi-fetch: body, headers, `duplex` only for a stream, and how a retry rebuilds the body. */
  init: Record<string, unknown>;
  /** To call with the answer: reports the upload complete on a success when progress could not be followed. */
  answered(response: Response): void;
}

/**
 * - Sizes known, no `onProgress` (or no streamed bodies): the form as a Blob, sent with its Content-Length and no
 *   `duplex`; the runtime reads a file-backed Blob from disk as it sends it. A fetch cannot tell how much of a Blob has
 *   gone, so progress is reported only at the start (0) and once a success has come back (all of it).
 * - Sizes known and `onProgress` where bodies can be streamed (Node): the same bytes as a stream with Content-Length,
 *   counted as they are read out; a retry streams the parts again (progress restarts from 0).
 * - A part is a stream: streamed, without Content-Length; a retry must clone it, which keeps a copy in memory.
 */
export function formUpload(parts: ReadonlyArray<TextPart | FilePart>, onProgress?: Progress, streams: boolean = streamsRequestBodies()): FormUpload {
  const form = multipartBody(parts);
  const common = { bodySerializer: (value: unknown) => value };
  const blob = form.blob;
  if (blob && !(onProgress && streams)) {
    onProgress?.(0, form.fileBytes);
    return {
      init: { ...common, body: blob, headers: { 'Content-Type': form.contentType }, ...replayOption(() => ({ body: blob })) },
      answered: (response) => {
        if (response.ok) onProgress?.(form.fileBytes ?? 0, form.fileBytes);
      },
    };
  }
  return {
    init: {
      ...common,
      body: form.stream(onProgress),
      headers: { 'Content-Type': form.contentType, ...(form.length === undefined ? {} : { 'Content-Length': String(form.length) }) },
      // A streamed request body is sent only in half-duplex mode.
      duplex: 'half',
      ...(blob ? replayOption(() => ({ body: form.stream(onProgress), duplex: 'half' })) : {}),
    },
    answered: () => undefined,
  };
}
