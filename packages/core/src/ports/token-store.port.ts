// Port: each user's Google connection — the account it is bound to and its OAuth tokens, stored only as ciphertext
// (encryption happens before the store sees them).

export const CONNECTION_STATUSES = ['connected', 'broken'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export interface GoogleConnection {
  user_id: string;
  /** The Google account id (`sub` from userinfo) this user is bound to. */
  subject: string;
  email?: string;
  /** Fernet token of the OAuth tokens as JSON; never the tokens themselves. */
  ciphertext: string;
  /** `broken` once Google refused the refresh token: the trader must connect again. */
  status: ConnectionStatus;
  updated_at: string;
}

export interface TokenStore {
  readonly name: string;
  /**
   * Creates or replaces the user's connection. One Google account, one journal user, for good: throws ConflictError
   * `OAUTH.ACCOUNT_IN_USE` when `subject` is bound to another user, and `OAUTH.USER_BOUND_ELSEWHERE` when the user is
   * bound to another subject (delete the connection first to move it).
   */
  put(connection: GoogleConnection): Promise<void>;
  get(userId: string): Promise<GoogleConnection | null>;
  findBySubject(subject: string): Promise<GoogleConnection | null>;
  /** Stores refreshed (or re-encrypted) tokens of a connected user; nothing for a user with no connection. */
  updateCiphertext(userId: string, ciphertext: string): Promise<void>;
  markBroken(userId: string): Promise<void>;
  delete(userId: string): Promise<void>;
  ready(): Promise<void>;
}
