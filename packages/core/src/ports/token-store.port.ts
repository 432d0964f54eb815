// Port: a user's OAuth tokens, stored only as ciphertext (encryption happens before the store sees them).

export interface TokenStore {
  readonly name: string;
  put(userId: string, ciphertext: string): Promise<void>;
  get(userId: string): Promise<string | null>;
  delete(userId: string): Promise<void>;
  ready(): Promise<void>;
}
