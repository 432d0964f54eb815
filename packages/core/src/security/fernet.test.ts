// Fernet against every vector of the spec (packages/core/fixtures/fernet-spec) plus the properties the vectors leave out.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../errors';
import { fernetDecrypt, fernetDecryptText, fernetEncrypt, generateFernetKey, type FernetFailure } from './fernet';

interface SpecVector {
  desc?: string;
  token: string;
  now: string;
  secret: string;
  iv?: number[];
  src?: string;
  ttl_sec?: number;
}

const vectors = (name: 'generate' | 'verify' | 'invalid'): SpecVector[] =>
  JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/fernet-spec', `${name}.json`), 'utf8')) as SpecVector[];
/** The vectors give `now` as RFC 3339; Fernet's clock is epoch seconds. */
const epochSeconds = (rfc3339: string): number => Date.parse(rfc3339) / 1000;

/** Runs `open` and returns the refusal it threw, failing the test when it threw nothing or something else. */
function refusal(open: () => unknown): ValidationError {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected the token to be refused');
}

// Which check each invalid vector trips: the MAC is verified before the timestamp and the padding are trusted.
const expectedReason: Record<string, FernetFailure> = {
  'incorrect mac': 'bad-signature',
  'too short': 'malformed',
  'invalid base64': 'malformed',
  'payload size not multiple of block size': 'malformed',
  'payload padding error': 'bad-padding',
  'far-future TS (unacceptable clock skew)': 'issued-in-future',
  'expired TTL': 'expired',
  'incorrect IV (causes padding error)': 'bad-padding',
};

describe('fernet spec vectors', () => {
  it.each(vectors('generate').map((v) => [v.src!, v]))('generate: seals %p into the spec token', (_src, vector) => {
    // Arrange
    const options = { now: epochSeconds(vector.now), iv: Uint8Array.from(vector.iv!) };

    // Act
    const token = fernetEncrypt(vector.secret, vector.src!, options);

    // Assert
    expect(token).toBe(vector.token);
  });

  it.each(vectors('verify').map((v) => [v.src!, v]))('verify: opens the spec token into %p', (_src, vector) => {
    // Arrange
    const options = { ttlSeconds: vector.ttl_sec!, now: epochSeconds(vector.now) };

    // Act
    const plaintext = fernetDecryptText(vector.secret, vector.token, options);

    // Assert
    expect(plaintext).toBe(vector.src);
  });

  it('covers every invalid vector with an expected reason', () => {
    expect(vectors('invalid').map((v) => v.desc).sort()).toEqual(Object.keys(expectedReason).sort());
  });

  it.each(vectors('invalid').map((v) => [v.desc!, v]))('invalid: refuses "%s" with CIPHER.INVALID_TOKEN', (desc, vector) => {
    // Arrange
    const options = { ttlSeconds: vector.ttl_sec!, now: epochSeconds(vector.now) };

    // Act
    const error = refusal(() => fernetDecrypt(vector.secret, vector.token, options));

    // Assert
    expect(error.code).toBe('CIPHER.INVALID_TOKEN');
    expect(error.details).toEqual({ reason: expectedReason[desc] });
  });
});

describe('fernet beyond the vectors', () => {
  const key = generateFernetKey();

  it('round-trips text and bytes under a random IV, so equal plaintexts give different tokens', () => {
    // Arrange
    const bytes = Uint8Array.from([0, 255, 1, 254]);

    // Act
    const first = fernetEncrypt(key, 'ya29.refresh-token ✓');
    const second = fernetEncrypt(key, 'ya29.refresh-token ✓');
    const sealedBytes = fernetEncrypt(key, bytes);

    // Assert
    expect(first).not.toBe(second);
    expect(fernetDecryptText(key, first)).toBe('ya29.refresh-token ✓');
    expect(fernetDecrypt(key, sealedBytes)).toEqual(bytes);
    expect(first).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(first.length % 4).toBe(0);
  });

  it('seals the empty plaintext into one padding block', () => {
    const token = fernetEncrypt(key, '');

    expect(fernetDecryptText(key, token)).toBe('');
    expect(Buffer.from(token, 'base64url')).toHaveLength(1 + 8 + 16 + 16 + 32);
  });

  it('does not check age without a TTL, and checks both ends with one', () => {
    // Arrange
    const token = fernetEncrypt(key, 'x', { now: 1_000 });

    // Act
    const untimed = fernetDecryptText(key, token, { now: 10_000_000 });
    const expired = refusal(() => fernetDecrypt(key, token, { ttlSeconds: 60, now: 1_061 }));
    const future = refusal(() => fernetDecrypt(key, token, { ttlSeconds: 60, now: 1_000 - 61 }));

    // Assert
    expect(untimed).toBe('x');
    expect(fernetDecryptText(key, token, { ttlSeconds: 60, now: 1_060 })).toBe('x');
    expect(fernetDecryptText(key, token, { ttlSeconds: 60, now: 1_000 - 60 })).toBe('x');
    expect(expired.details).toEqual({ reason: 'expired' });
    expect(future.details).toEqual({ reason: 'issued-in-future' });
  });

  it('refuses a token when any single byte of it changes', () => {
    // Arrange
    const raw = Buffer.from(fernetEncrypt(key, 'secret refresh token'), 'base64url');

    // Act
    const accepted = [...raw.keys()].filter((i) => {
      const tampered = Buffer.from(raw);
      tampered[i]! ^= 0x01;
      const token = tampered.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
      try {
        fernetDecrypt(key, token);
        return true;
      } catch {
        return false;
      }
    });

    // Assert
    expect(accepted).toEqual([]);
  });

  it('refuses a token sealed under another key without naming either key or the plaintext', () => {
    // Arrange
    const other = generateFernetKey();
    const token = fernetEncrypt(other, 'plaintext-refresh-token');

    // Act
    const error = refusal(() => fernetDecrypt(key, token));

    // Assert
    expect(error.details).toEqual({ reason: 'bad-signature' });
    const shown = `${error.message} ${JSON.stringify(error.details)} ${String(error.stack)}`;
    for (const secret of [key, other, 'plaintext-refresh-token']) expect(shown).not.toContain(secret);
  });

  it.each<[string, (token: string) => string, FernetFailure]>([
    ['unpadded', (t) => t.replace(/=+$/, ''), 'malformed'],
    ['in the standard base64 alphabet', (t) => `${t.slice(0, -8)}+/+/${t.slice(-4)}`, 'malformed'],
    ['empty', () => '', 'malformed'],
    ['of another version', (t) => `A${t.slice(1)}`, 'unsupported-version'],
  ])('refuses a token that is %s', (_shape, reshape, reason) => {
    // Arrange
    const token = reshape(fernetEncrypt(key, 'x'));

    // Act
    const error = refusal(() => fernetDecrypt(key, token));

    // Assert
    expect(error.code).toBe('CIPHER.INVALID_TOKEN');
    expect(error.details).toEqual({ reason });
  });

  it('refuses bytes that are not UTF-8 when text is asked for', () => {
    const token = fernetEncrypt(key, Uint8Array.from([0xff, 0xfe]));

    const error = refusal(() => fernetDecryptText(key, token));

    expect(error.details).toEqual({ reason: 'not-utf8' });
  });

  it.each(['', 'c2hvcnQ=', 'not base64 at all, and long enough to be 44 chars'])('refuses the key %p with CIPHER.INVALID_KEY, not echoing it', (badKey) => {
    const error = refusal(() => fernetEncrypt(badKey, 'x'));

    expect(error.code).toBe('CIPHER.INVALID_KEY');
    if (badKey) expect(error.message).not.toContain(badKey);
  });

  it('accepts a key without its padding, as it may be pasted', () => {
    const token = fernetEncrypt(key.replace(/=+$/, ''), 'x');

    expect(fernetDecryptText(key, token)).toBe('x');
  });
});
