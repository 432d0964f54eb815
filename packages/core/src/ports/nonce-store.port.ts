// Port: single-use nonces (OAuth `state`): a nonce is accepted once, until it expires, never twice.

export interface NonceStore {
  readonly name: string;
  /** Records `nonce` as used until `expiresAt` (epoch ms); false when it had been used already (a replay). */
  use(nonce: string, expiresAt: number): Promise<boolean>;
  ready(): Promise<void>;
}
