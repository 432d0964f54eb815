// TokenCipher: round trip, rotation, secrecy, and interop with the earlier Python service's `cryptography` Fernet.
import { inspect } from 'node:util';
import { ValidationError } from '../errors';
import { TokenCipher } from './token-cipher';
import { describePythonInterop, pythonFernet, PYTHON_TIMEOUT_MS } from '../testing/python-fernet';

const NEW_SECRET = 'new-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const OLD_SECRET = 'old-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const REFRESH_TOKEN = '1//0g-refresh-token_ÄÖ✓';

function thrownBy(act: () => unknown): ValidationError {
  try {
    act();
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error('expected an error');
}

describe('TokenCipher', () => {
  it('opens what it seals, under the newest key, as fresh', () => {
    // Arrange
    const cipher = new TokenCipher([NEW_SECRET, OLD_SECRET]);

    // Act
    const token = cipher.encrypt(REFRESH_TOKEN);

    // Assert
    expect(token).not.toContain(REFRESH_TOKEN);
    expect(cipher.decrypt(token)).toEqual({ plaintext: REFRESH_TOKEN, stale: false });
    expect(new TokenCipher([NEW_SECRET]).decrypt(token).plaintext).toBe(REFRESH_TOKEN);
  });

  it('opens a token of a rotated-out key and reports it stale', () => {
    // Arrange
    const token = new TokenCipher([OLD_SECRET]).encrypt(REFRESH_TOKEN);
    const rotated = new TokenCipher([NEW_SECRET, OLD_SECRET]);

    // Act
    const opened = rotated.decrypt(token);
    const resealed = rotated.encrypt(opened.plaintext);

    // Assert
    expect(opened).toEqual({ plaintext: REFRESH_TOKEN, stale: true });
    expect(rotated.decrypt(resealed)).toEqual({ plaintext: REFRESH_TOKEN, stale: false });
  });

  it('refuses a token of an unknown key with CIPHER.INVALID_TOKEN, naming no secret or plaintext', () => {
    // Arrange
    const token = new TokenCipher(['another-secret-0123456789abcdefghijklmnop']).encrypt(REFRESH_TOKEN);
    const cipher = new TokenCipher([NEW_SECRET, OLD_SECRET]);

    // Act
    const error = thrownBy(() => cipher.decrypt(token));

    // Assert
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'CIPHER.INVALID_TOKEN' });
    const shown = `${error.message} ${JSON.stringify(error.details)}`;
    for (const secret of [NEW_SECRET, OLD_SECRET, REFRESH_TOKEN, TokenCipher.deriveKey(NEW_SECRET)]) expect(shown).not.toContain(secret);
  });

  it('refuses a malformed token at once with CIPHER.INVALID_TOKEN', () => {
    const cipher = new TokenCipher([NEW_SECRET, OLD_SECRET]);

    expect(() => cipher.decrypt('not a token')).toThrow(expect.objectContaining({ code: 'CIPHER.INVALID_TOKEN', details: { reason: 'malformed' } }));
  });

  it('derives the key as the Python service did: urlsafe base64 of SHA-256 of the UTF-8 secret', () => {
    // Arrange: sha256("abc") is the FIPS 180-2 example digest.
    const digest = Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex');

    // Act
    const key = TokenCipher.deriveKey('abc');

    // Assert
    expect(key).toBe(digest.toString('base64').replace(/\+/g, '-').replace(/\//g, '_'));
    expect(key).toHaveLength(44);
  });

  it('keeps its keys out of logs and JSON', () => {
    const cipher = new TokenCipher([NEW_SECRET]);

    const shown = `${inspect(cipher, { depth: 5, showHidden: true })} ${JSON.stringify(cipher)}`;

    expect(shown).not.toContain(NEW_SECRET);
    expect(shown).not.toContain(TokenCipher.deriveKey(NEW_SECRET));
  });

  it.each([[[]], [['']]])('refuses to be built from %p', (secrets) => {
    expect(() => new TokenCipher(secrets)).toThrow(TypeError);
  });
});

// Python's `cryptography` is the earlier service's Fernet: values go through stdin, never a file.
describePythonInterop('TokenCipher interop with Python cryptography', () => {

  it('opens a token Python sealed with the key derived from the same secret', () => {
    // Arrange
    const token = pythonFernet('encrypt', NEW_SECRET, REFRESH_TOKEN);

    // Act
    const opened = new TokenCipher([NEW_SECRET]).decrypt(token);

    // Assert
    expect(opened).toEqual({ plaintext: REFRESH_TOKEN, stale: false });
  }, PYTHON_TIMEOUT_MS);

  it('seals a token Python opens', () => {
    // Arrange
    const token = new TokenCipher([NEW_SECRET]).encrypt(REFRESH_TOKEN);

    // Act
    const opened = pythonFernet('decrypt', NEW_SECRET, token);

    // Assert
    expect(opened).toBe(REFRESH_TOKEN);
  }, PYTHON_TIMEOUT_MS);
});
