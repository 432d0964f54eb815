// A request body's fingerprint for Idempotency-Key, left here by whichever reader read the body: a hash of the JSON
// bytes as received, or of a multipart form's parts once the whole form has streamed through.
import type { IncomingMessage } from 'node:http';

const digests = new WeakMap<IncomingMessage, string>();
const arriving = new WeakMap<IncomingMessage, () => Promise<string>>();

export function recordBodyDigest(req: IncomingMessage, digest: string): void {
  digests.set(req, digest);
  arriving.delete(req);
}

/** The digest of the body read so far for this request: undefined when none was read, or it is still arriving. */
export function bodyDigest(req: IncomingMessage): string | undefined {
  return digests.get(req);
}

/** Marks a body that is read as it streams: `readRest` reads what is left of it and answers its digest. */
export function deferBodyDigest(req: IncomingMessage, readRest: () => Promise<string>): void {
  arriving.set(req, readRest);
}

/** For a body still arriving: reads the rest (nothing of it is kept) and answers its digest; undefined otherwise. */
export function restOfBodyDigest(req: IncomingMessage): Promise<string> | undefined {
  return arriving.get(req)?.();
}

export function bodyStillArriving(req: IncomingMessage): boolean {
  return arriving.has(req);
}
