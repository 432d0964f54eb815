// Port: API keys bound to one user id each; only a hash of a key is ever stored.

export interface ApiKeyRecord {
  keyId: string;
  userId: string;
  createdAt: string;
}

export interface ApiKeyStore {
  readonly name: string;
  /** Creates a new random key for `userId`; the plain key is returned once and never stored. */
  create(userId: string): Promise<{ key: string; record: ApiKeyRecord }>;
  /** The user a key belongs to, or null for an unknown or revoked key. */
  verify(key: string): Promise<string | null>;
  /** Revokes every key of `userId`; returns how many were revoked. */
  revoke(userId: string): Promise<number>;
  /** Live keys of the user; with `includeRevoked`, every key ever issued (a user whose keys were revoked still exists). */
  count(userId: string, options?: { includeRevoked?: boolean }): Promise<number>;
  ready(): Promise<void>;
}
