// Signed share tokens: round trip, rotation, and a null for everything that is not a token we signed.
import { createHmac } from 'node:crypto';
import { MAX_SHARE_TOKEN_LENGTH, shareKeyFrom, ShareTokenSigner, type ShareClaims } from './share-token';

const SECRET = 'share-link-secret-0123456789abcdefghij';
const OLD_SECRET = 'old-share-link-secret-0123456789abcdefgh';
const claims: ShareClaims = { shareId: 'AbCdEfGhIjKlMnOpQrSt_-', jobId: '0b6f3c1e-9f59-4f2c-9a53-3c1d2e4f5a6b', expiresAt: 1_775_000_000 };

/** Replaces the character at `index` with a different one of the base64url alphabet. */
const flip = (text: string, index: number): string => `${text.slice(0, index)}${text[index] === 'A' ? 'B' : 'A'}${text.slice(index + 1)}`;

/** A token whose MAC is right for `payload` under `secret`: what only a holder of the secret could make. */
const signedPayload = (payload: string, secret = SECRET): string => {
  const encoded = Buffer.from(payload, 'utf8').toString('base64url');
  return `${encoded}.${createHmac('sha256', shareKeyFrom(secret)).update(encoded).digest('base64url')}`;
};

describe('ShareTokenSigner', () => {
  const signer = new ShareTokenSigner([SECRET]);

  it('returns the claims it signed, from a URL-safe token', () => {
    // Act
    const token = signer.sign(claims);

    // Assert
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(signer.verify(token)).toEqual(claims);
  });

  it('refuses a token with any one character of its signature changed', () => {
    // Arrange
    const token = signer.sign(claims);
    const macStart = token.indexOf('.') + 1;

    // Act
    const verified = Array.from({ length: token.length - macStart }, (_, i) => signer.verify(flip(token, macStart + i)));

    // Assert
    expect(verified.every((result) => result === null)).toBe(true);
  });

  it('refuses a token whose payload was changed to name another job or a later expiry', () => {
    // Arrange
    const [, mac] = signer.sign(claims).split('.') as [string, string];
    const payload = (c: ShareClaims) => Buffer.from(`1|${c.shareId}|${c.jobId}|${c.expiresAt}`).toString('base64url');

    // Act
    const otherJob = signer.verify(`${payload({ ...claims, jobId: 'another-job' })}.${mac}`);
    const later = signer.verify(`${payload({ ...claims, expiresAt: claims.expiresAt + 86_400 })}.${mac}`);

    // Assert
    expect(otherJob).toBeNull();
    expect(later).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    const theirs = new ShareTokenSigner(['someone-elses-secret-0123456789abcdefgh']).sign(claims);

    expect(signer.verify(theirs)).toBeNull();
  });

  it('signs with the newest secret and still accepts tokens of the older ones', () => {
    // Arrange
    const before = new ShareTokenSigner([OLD_SECRET]).sign(claims);
    const rotated = new ShareTokenSigner([SECRET, OLD_SECRET]);

    // Act
    const after = rotated.sign(claims);

    // Assert
    expect(rotated.verify(before)).toEqual(claims);
    expect(rotated.verify(after)).toEqual(claims);
    expect(signer.verify(after)).toEqual(claims);
    expect(new ShareTokenSigner([OLD_SECRET]).verify(after)).toBeNull();
  });

  const good = signer.sign(claims);
  const [goodPayload, goodMac] = good.split('.') as [string, string];
  it.each<[string, unknown]>([
    ['not a string', 42],
    ['empty', ''],
    ['truncated by one character', good.slice(0, -1)],
    ['truncated to its payload', goodPayload],
    ['cut inside its payload', good.slice(10)],
    ['one character longer', `${good}A`],
    ['three segments', `${good}.${goodMac}`],
    ['padded', `${goodPayload}=.${goodMac}`],
    ['percent-encoded', `${goodPayload}%2E${goodMac}`],
    ['oversized', `${'a'.repeat(MAX_SHARE_TOKEN_LENGTH)}.${goodMac}`],
    ['signed but of another version', signedPayload(`2|${claims.shareId}|${claims.jobId}|${claims.expiresAt}`)],
    ['signed but missing its expiry', signedPayload(`1|${claims.shareId}|${claims.jobId}`)],
    ['signed with a short share id', signedPayload(`1|short|${claims.jobId}|${claims.expiresAt}`)],
    ['signed with a job id holding a slash', signedPayload(`1|${claims.shareId}|../jobs|${claims.expiresAt}`)],
    ['signed with a fractional expiry', signedPayload(`1|${claims.shareId}|${claims.jobId}|${claims.expiresAt}.5`)],
  ])('refuses a token that is %s', (_variant, token) => {
    expect(signer.verify(token)).toBeNull();
  });

  it('will not sign claims it could not verify', () => {
    expect(() => signer.sign({ ...claims, shareId: 'short' })).toThrow(TypeError);
    expect(() => signer.sign({ ...claims, jobId: 'a/b' })).toThrow(TypeError);
    expect(() => signer.sign({ ...claims, expiresAt: 1.5 })).toThrow(TypeError);
  });

  it('will not work without a secret, or with one shorter than 32 characters', () => {
    expect(() => new ShareTokenSigner([])).toThrow(TypeError);
    expect(() => new ShareTokenSigner([SECRET, 'x'.repeat(31)])).toThrow(TypeError);
  });
});
