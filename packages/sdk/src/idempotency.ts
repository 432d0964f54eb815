// Gives every keyed write (trades, analysis jobs) an Idempotency-Key unless the caller chose one: retries never write twice.
import type { Middleware } from 'openapi-fetch';

/** Operations the API deduplicates by Idempotency-Key. */
const KEYED_WRITES = new Set(['/api/trades', '/api/trades/submit', '/api/analysis/jobs']);

export function idempotencyKeys(newKey: () => string = () => globalThis.crypto.randomUUID()): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      if (request.method !== 'POST' || !KEYED_WRITES.has(schemaPath) || request.headers.has('idempotency-key')) return undefined;
      // Set here, before the retrying transport sees the request: every retry then sends this same key.
      request.headers.set('Idempotency-Key', newKey());
      return request;
    },
  };
}
