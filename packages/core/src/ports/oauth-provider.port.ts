// Port: the OAuth 2.0 provider a trader connects their storage with (Google): consent URL and code exchange.

/** Tokens as the provider issues them; only ever stored encrypted. */
export interface OAuthTokens {
  access_token: string;
  refresh_token?: string;
  /** Epoch ms when the access token expires. */
  expiry_date?: number;
  scope?: string;
  token_type?: string;
}

/** Who the tokens belong to at the provider. */
export interface OAuthAccount {
  /** The provider's stable account id (OpenID `sub`). */
  subject: string;
  email?: string;
}

export interface OAuthProvider {
  readonly name: string;
  /** Where to send the trader for consent: offline access, consent prompt, our redirect URI and scopes, `state`. */
  authorizationUrl(state: string): string;
  /**
   * Exchanges a consent code for tokens and reads whose they are. A refused code is a ValidationError
   * `OAUTH.EXCHANGE_FAILED`; an unreachable provider an UpstreamError.
   */
  exchange(code: string): Promise<{ tokens: OAuthTokens; account: OAuthAccount }>;
  /** Withdraws the grant at the provider (best effort: the caller forgets the tokens whatever it answers). */
  revoke(token: string): Promise<void>;
}
