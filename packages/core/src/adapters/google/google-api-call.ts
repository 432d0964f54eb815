// Calling Drive and Sheets for a trader: client options, one token refresh when Google refuses a token, failures read.
import type { OAuth2Client } from 'google-auth-library';
import { reconnectRequired, type GoogleAuthProvider, type GoogleEndpoints } from './google-auth';
import { parseRetryAfter } from '../../domain/retry-after';

/** A failed Google call as the adapters need it, whatever shape gaxios gave it. */
export interface GoogleFailure {
  /** HTTP status, or undefined when no answer came (connection reset, timeout): the outcome is then unknown. */
  status: number | undefined;
  message: string;
  /** Google's first `errors[].reason` (`rateLimitExceeded`, `storageQuotaExceeded`…), when it gave one. */
  reason: string | undefined;
  /** How long Google asked us to wait (`Retry-After`, seconds or an HTTP date). */
  retryAfterMs: number | undefined;
  /** Google refused the token, or the refresh of it (`invalid_grant`): a refresh or a reconnect is needed. */
  authRefused: boolean;
}

interface GaxiosLike {
  message?: string;
  status?: number;
  response?: { status?: number; headers?: unknown; data?: unknown };
}

/**
 * Options for `drive()` / `sheets()`. gaxios retries are off: a retry inside the adapter multiplied by the workflow's
 * own retry made the earlier service's 3 × 3 tries, and a blind retry of an append can write a trade twice.
 */
export function gaxiosOptions(endpoints: GoogleEndpoints | undefined) {
  return {
    ...(endpoints?.fetch ? { fetchImplementation: endpoints.fetch } : {}),
    retry: false,
    retryConfig: { retry: 0 },
  };
}

/** `gaxiosOptions` plus the root URL: unset keeps each API's own host (Drive and Sheets differ). */
export function apiOptions(endpoints: GoogleEndpoints | undefined) {
  return { ...gaxiosOptions(endpoints), ...(endpoints?.apiRootUrl ? { rootUrl: endpoints.apiRootUrl } : {}) };
}

/**
 * Runs `call` with the owner's client. When Google refuses the token (revoked early, or a clock off), the token is
 * marked stale and the provider asked again: it refreshes once for everyone waiting, or throws its own reconnect
 * error (and marks the connection broken) when the grant is gone — that error reaches the caller unchanged.
 */
export async function withClient<T>(auth: GoogleAuthProvider, owner: string, call: (client: OAuth2Client) => Promise<T>): Promise<T> {
  const client = await auth.clientFor(owner);
  try {
    return await call(client);
  } catch (error) {
    if (!describeFailure(error).authRefused) throw error;
    client.setCredentials({ ...client.credentials, expiry_date: 1 });
    const fresh = await auth.clientFor(owner);
    try {
      return await call(fresh);
    } catch (second) {
      if (describeFailure(second).authRefused) throw reconnectRequired("Google refuses this connection's access even after a refresh", second);
      throw second;
    }
  }
}

export function describeFailure(error: unknown, now = Date.now()): GoogleFailure {
  const failure = (error ?? {}) as GaxiosLike;
  const status = failure.response?.status ?? failure.status;
  const data = parseBody(failure.response?.data);
  const apiMessage = readApiMessage(data);
  const oauthError = typeof data === 'object' && data !== null ? (data as { error?: unknown }).error : undefined;
  return {
    status: typeof status === 'number' ? status : undefined,
    message: apiMessage ?? (failure.message || String(error)),
    reason: readReason(data),
    retryAfterMs: parseRetryAfter(readHeader(failure.response?.headers, 'retry-after'), now),
    authRefused: status === 401 || oauthError === 'invalid_grant',
  };
}


function readHeader(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  // A fetch `Headers` (gaxios 7) or a plain object (googleapis' marshalled responses); duck-typed across realms.
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

/** gaxios hands the body over parsed, or as text when the response type was not JSON (a media download). */
function parseBody(data: unknown): unknown {
  const text = isArrayBuffer(data) ? new TextDecoder().decode(data) : data;
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** By tag, not `instanceof`: fetch's buffers may come from another realm (jest's sandbox). */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

function readReason(data: unknown): string | undefined {
  const errors = (data as { error?: { errors?: unknown } } | null | undefined)?.error?.errors;
  const reason = Array.isArray(errors) ? (errors[0] as { reason?: unknown } | undefined)?.reason : undefined;
  return typeof reason === 'string' ? reason : undefined;
}

function readApiMessage(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | null | undefined)?.error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  const description = (body as { error_description?: unknown } | null | undefined)?.error_description;
  return typeof description === 'string' ? `${String(error)}: ${description}` : undefined;
}
