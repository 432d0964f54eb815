// Port: remembers the response to a request carrying an Idempotency-Key so that a retry is answered, not redone.

export interface StoredResponse {
  status: number;
  body: unknown;
  /** Hash of the request that produced it: the same key with another body is a conflict. */
  fingerprint: string;
  /** Response headers a replay must repeat (`Location`), by lower-case name. */
  headers?: Record<string, string>;
}

export type IdempotencyClaim =
  | { state: 'new' }
  | { state: 'in_progress' }
  /**
   * The request ran but its response could not be stored: it may have written. Retries are refused until the entry
   * expires rather than run a second time.
   */
  | { state: 'outcome_unknown'; fingerprint: string }
  | { state: 'done'; response: StoredResponse };

/**
 * How long an in-progress claim holds its key when nothing completes or releases it (the process crashed mid-request):
 * 10 minutes, twice Node's default 5-minute `requestTimeout`, so no request still running can lose its claim.
 */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 10 * 60 * 1000;

export interface IdempotencyStore {
  readonly name: string;
  /**
   * Claims `key` for `owner`; a claim already held is reported, not taken twice. An in-progress claim whose lease ran
   * out (its request never finished) is taken over as new.
   */
  claim(owner: string, key: string, fingerprint: string): Promise<IdempotencyClaim>;
  complete(owner: string, key: string, response: StoredResponse): Promise<void>;
  /** Drops a claim whose request failed, so that a retry may run it again. */
  release(owner: string, key: string): Promise<void>;
  /** Marks a claim whose response could not be stored: retries get `outcome_unknown` until the entry expires. */
  abandon(owner: string, key: string, fingerprint: string): Promise<void>;
  /** Deletes expired entries (claims treat them as absent anyway); returns how many were deleted. */
  purgeExpired(): Promise<number>;
  ready(): Promise<void>;
}
