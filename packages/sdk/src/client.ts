// createClient: the typed openapi-fetch client for every path, with auth, retries and Idempotency-Keys, plus helpers.
import createOpenApiClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/api';
import { createHelpers, type PecuniaHelpers } from './helpers';
import { idempotencyKeys } from './idempotency';
import { retryingFetch, sleep as realSleep, type FetchFn, type Sleep } from './retry';
import { SDK_VERSION } from './version';

export interface ClientOptions {
  /** Where the API is, without `/api`: `http://localhost:8000`. */
  baseUrl: string;
  /**
   * Sent as `Authorization: Bearer <apiKey>`. Required unless `anonymous` is set: a trader new to a Google-mode server
   * has no key until `completeGoogleConnection` returns their first one.
   */
  apiKey?: string;
  /** A client without a key, for the routes that need none (health, docs, connecting a new Google account). */
  anonymous?: boolean;
  /** The fetch to send requests with (default: the global one). */
  fetch?: FetchFn;
  /** Retries on 429, 5xx and network errors, 0–3 (default 3). */
  retries?: number;
  /** Appended to the SDK's own User-Agent, e.g. `my-app/1.2`. */
  userAgent?: string;
  /** How the client waits between retries and polls; tests pass one that returns at once. */
  sleep?: Sleep;
}

/** The raw typed client (`GET`/`POST`… on every path, returning `{ data } | { error }`) and the throwing helpers. */
export type PecuniaClient = Client<paths> & PecuniaHelpers;

export function createClient(options: ClientOptions): PecuniaClient {
  if (!options.baseUrl) throw new TypeError('createClient: baseUrl is required (e.g. http://localhost:8000)');
  if (!options.apiKey && !options.anonymous) throw new TypeError('createClient: apiKey is required (or anonymous: true for the routes that need none)');
  const sleep = options.sleep ?? realSleep;
  // Resolved on each request so that a fetch installed after the client was made is still used.
  const send: FetchFn = (request) => (options.fetch ?? globalThis.fetch)(request);
  const api = createOpenApiClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: retryingFetch(send, { retries: options.retries, sleep }),
    headers: {
      ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
      'User-Agent': [`pecunia-sdk/${SDK_VERSION}`, options.userAgent].filter(Boolean).join(' '),
    },
  });
  api.use(idempotencyKeys());
  return { ...api, ...createHelpers(api, { sleep }) };
}
