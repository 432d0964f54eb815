// Subpath `@pecunia/core/security`: Fernet token encryption (key rotation) and signed OAuth state, on node:crypto.
export { fernetEncrypt, fernetDecrypt, fernetDecryptText, generateFernetKey, FERNET_INVALID_TOKEN } from './security/fernet';
export { TokenCipher } from './security/token-cipher';
export type { OpenedToken } from './security/token-cipher';
export { signState, verifyState, stateKeyFrom, newNonce, MAX_STATE_LENGTH } from './security/oauth-state';
export type { OAuthStatePayload, VerifyStateOptions } from './security/oauth-state';
