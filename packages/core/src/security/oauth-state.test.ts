// The signed OAuth state: round trip, and each refusal code for what a browser or an attacker can send back.
import { createHash, createHmac } from 'node:crypto';
import { ValidationError } from '../errors';
import { MAX_STATE_LENGTH, newNonce, signState, stateKeyFrom, verifyState, type OAuthStatePayload } from './oauth-state';

const SECRET = 'token-encryption-secret-0123456789abcdef';
const NOW = 1_750_000_000;
const TTL = 600;
const key = stateKeyFrom(SECRET);

const payload = (overrides: Partial<OAuthStatePayload> = {}): OAuthStatePayload => ({ user_id: 'trader-7', nonce: newNonce(), iat: NOW, ...overrides });

/** A state whose MAC is right for whatever payload text it carries: what only a holder of the key could make. */
const signedText = (text: string | Buffer): string => {
  const encoded = (typeof text === 'string' ? Buffer.from(text, 'utf8') : text).toString('base64url');
  return `${encoded}.${createHmac('sha256', key).update(encoded).digest('base64url')}`;
};

/** Replaces the character at `index` with a different one of the base64url alphabet. */
const flip = (text: string, index: number): string => `${text.slice(0, index)}${text[index] === 'A' ? 'B' : 'A'}${text.slice(index + 1)}`;

function codeOf(verify: () => unknown): { code: string; reason: unknown } {
  try {
    verify();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return { code: (error as ValidationError).code, reason: (error as ValidationError).details?.reason };
  }
  throw new Error('expected the state to be refused');
}

describe('OAuth state', () => {
  it('returns the payload it signed', () => {
    // Arrange
    const issued = payload();

    // Act
    const state = signState(key, issued);
    const verified = verifyState(key, state, { ttlSeconds: TTL, now: NOW + 30 });

    // Assert
    expect(verified).toEqual(issued);
    expect(state).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('accepts the raw secret string as a key too', () => {
    const state = signState(SECRET, payload());

    expect(verifyState(SECRET, state, { ttlSeconds: TTL, now: NOW }).user_id).toBe('trader-7');
  });

  it('makes 128-bit URL-safe nonces that differ', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));

    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64url')).toHaveLength(16);
  });

  it('derives a state key distinct from the Fernet key of the same secret, and from other secrets', () => {
    // Arrange
    const fernetKeyBytes = createHash('sha256').update(SECRET, 'utf8').digest();

    // Act
    const stateKey = Buffer.from(stateKeyFrom(SECRET));

    // Assert
    expect(stateKey).toHaveLength(32);
    expect(stateKey.equals(fernetKeyBytes)).toBe(false);
    expect(stateKey.includes(fernetKeyBytes.subarray(0, 16))).toBe(false);
    expect(stateKey.equals(Buffer.from(stateKeyFrom(SECRET)))).toBe(true);
    expect(stateKey.equals(Buffer.from(stateKeyFrom(`${SECRET}x`)))).toBe(false);
  });

  it('refuses a state signed with the key of another secret as tampered, both ways', () => {
    // Arrange
    const otherKey = stateKeyFrom('another-secret-0123456789abcdefghijklmn');
    const ours = signState(key, payload());
    const theirs = signState(otherKey, payload());

    // Act
    const refusals = [codeOf(() => verifyState(otherKey, ours, { ttlSeconds: TTL, now: NOW })), codeOf(() => verifyState(key, theirs, { ttlSeconds: TTL, now: NOW }))];

    // Assert
    expect(refusals.map((r) => r.code)).toEqual(['OAUTH.STATE_TAMPERED', 'OAUTH.STATE_TAMPERED']);
  });

  it('refuses a state with one character of its payload changed as tampered', () => {
    // Arrange
    const state = signState(key, payload());
    const payloadLength = state.indexOf('.');

    // Act
    const codes = new Set(Array.from({ length: payloadLength }, (_, i) => codeOf(() => verifyState(key, flip(state, i), { ttlSeconds: TTL, now: NOW })).code));

    // Assert
    expect([...codes]).toEqual(['OAUTH.STATE_TAMPERED']);
  });

  it('refuses a state with one character of its MAC changed as tampered, the last character included', () => {
    // Arrange: the last of 43 characters carries 2 unused bits; a change there alone must not slip through.
    const state = signState(key, payload());
    const macStart = state.indexOf('.') + 1;
    const lastChar = state.at(-1)!;
    const sameBytes = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').find((c) => c !== lastChar && Buffer.from(`${state.slice(macStart, -1)}${c}`, 'base64url').equals(Buffer.from(state.slice(macStart), 'base64url')))!;

    // Act
    const codes = new Set(Array.from({ length: 43 }, (_, i) => codeOf(() => verifyState(key, flip(state, macStart + i), { ttlSeconds: TTL, now: NOW })).code));
    const lowBits = codeOf(() => verifyState(key, `${state.slice(0, -1)}${sameBytes}`, { ttlSeconds: TTL, now: NOW }));

    // Assert
    expect([...codes]).toEqual(['OAUTH.STATE_TAMPERED']);
    expect(lowBits.code).toBe('OAUTH.STATE_TAMPERED');
  });

  it('accepts a state up to its TTL and refuses it after as expired', () => {
    // Arrange
    const state = signState(key, payload({ iat: NOW }));

    // Act
    const atLimit = verifyState(key, state, { ttlSeconds: TTL, now: NOW + TTL });
    const afterLimit = codeOf(() => verifyState(key, state, { ttlSeconds: TTL, now: NOW + TTL + 1 }));

    // Assert
    expect(atLimit.iat).toBe(NOW);
    expect(afterLimit).toEqual({ code: 'OAUTH.STATE_EXPIRED', reason: 'too-old' });
  });

  it('accepts a state issued up to 60 s in the future and refuses one issued later as expired', () => {
    // Arrange
    const skewed = signState(key, payload({ iat: NOW + 60 }));
    const future = signState(key, payload({ iat: NOW + 61 }));

    // Act
    const accepted = verifyState(key, skewed, { ttlSeconds: TTL, now: NOW });
    const refused = codeOf(() => verifyState(key, future, { ttlSeconds: TTL, now: NOW }));

    // Assert
    expect(accepted.iat).toBe(NOW + 60);
    expect(refused).toEqual({ code: 'OAUTH.STATE_EXPIRED', reason: 'issued-in-future' });
  });

  const good = signState(key, payload());
  const [goodPayload, goodMac] = good.split('.') as [string, string];
  it.each<[string, string, string]>([
    ['empty', '', 'empty'],
    ['one segment', goodPayload, 'not-two-segments'],
    ['three segments', `${good}.${goodMac}`, 'not-two-segments'],
    ['an empty payload', `.${goodMac}`, 'bad-encoding'],
    ['an empty MAC', `${goodPayload}.`, 'bad-encoding'],
    ['a character outside base64url', `${goodPayload.slice(0, -1)}%.${goodMac}`, 'bad-encoding'],
    ['base64 padding', `${goodPayload}=.${goodMac}`, 'bad-encoding'],
    ['a truncated MAC', good.slice(0, -1), 'bad-encoding'],
    ['a MAC too long', `${good}A`, 'bad-encoding'],
    ['oversized', `${'a'.repeat(MAX_STATE_LENGTH)}.${goodMac}`, 'too-long'],
    ['a signed payload that is not JSON', signedText('{"user_id":'), 'bad-json'],
    ['a signed payload that is not UTF-8', signedText(Buffer.from([0xff, 0xfe])), 'bad-json'],
    ['a signed JSON array', signedText('[]'), 'bad-fields'],
    ['a signed payload missing the nonce', signedText(JSON.stringify({ user_id: 'u', iat: NOW })), 'bad-fields'],
    ['a signed payload with a string iat', signedText(JSON.stringify({ user_id: 'u', nonce: newNonce(), iat: String(NOW) })), 'bad-fields'],
    ['a signed payload with a fractional iat', signedText(JSON.stringify({ user_id: 'u', nonce: newNonce(), iat: NOW + 0.5 })), 'bad-fields'],
    ['a signed payload with an empty user id', signedText(JSON.stringify({ user_id: '', nonce: newNonce(), iat: NOW })), 'bad-fields'],
    ['a signed payload with an extra field', signedText(JSON.stringify({ user_id: 'u', nonce: newNonce(), iat: NOW, admin: true })), 'bad-fields'],
  ])('refuses a state that is %s as malformed', (_variant, state, reason) => {
    // Act
    const refusal = codeOf(() => verifyState(key, state, { ttlSeconds: TTL, now: NOW }));

    // Assert
    expect(refusal).toEqual({ code: 'OAUTH.STATE_MALFORMED', reason });
  });

  it.each<[string, Partial<OAuthStatePayload>]>([
    ['an empty user id', { user_id: '' }],
    ['a short nonce', { nonce: 'abc' }],
    ['a negative iat', { iat: -1 }],
    ['a user id too long to fit a state', { user_id: '\u0000'.repeat(256) }],
  ])('will not sign a payload with %s', (_variant, overrides) => {
    expect(() => signState(key, payload(overrides))).toThrow(TypeError);
  });

  it('will not work with a key shorter than 16 bytes', () => {
    expect(() => signState('short', payload())).toThrow(TypeError);
    expect(() => verifyState(new Uint8Array(8), good, { ttlSeconds: TTL })).toThrow(TypeError);
  });
});
