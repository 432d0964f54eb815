// Port: remembers the response to a request carrying an Idempotency-Key so that a retry is answered, not redone.

export interface StoredResponse {
  status: number;
  body: unknown;
  /** Hash of the request that produced it: the same key with another body is a conflict. */
  fingerprint: string;
}

export type IdempotencyClaim =
  | { state: 'new' }
  | { state: 'in_progress' }
  | { state: 'done'; response: StoredResponse };

export interface IdempotencyStore {
  readonly name: string;
  /** Claims `key` for `owner`; a claim already held is reported, not taken twice. */
  claim(owner: string, key: string, fingerprint: string): Promise<IdempotencyClaim>;
  complete(owner: string, key: string, response: StoredResponse): Promise<void>;
  /** Drops a claim whose request failed, so that a retry may run it again. */
  release(owner: string, key: string): Promise<void>;
  ready(): Promise<void>;
}
