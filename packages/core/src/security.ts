// Subpath `@pecunia/core/security`: Fernet token encryption (key rotation), signed OAuth state and share tokens, on node:crypto.
export { fernetEncrypt, fernetDecrypt, fernetDecryptText, generateFernetKey, FERNET_INVALID_TOKEN } from './security/fernet';
export { TokenCipher } from './security/token-cipher';
export type { OpenedToken } from './security/token-cipher';
export { signState, verifyState, stateKeyFrom, newNonce, MAX_STATE_LENGTH } from './security/oauth-state';
export type { OAuthStatePayload, VerifyStateOptions } from './security/oauth-state';
export { ShareTokenSigner, shareKeyFrom, MAX_SHARE_TOKEN_LENGTH, MIN_SHARE_SECRET_LENGTH } from './security/share-token';
export type { ShareClaims } from './security/share-token';
