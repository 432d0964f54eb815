// The `cipher` operator command: round trip, refusals, and tokens the earlier Python service sealed.
import { runCipherCommand } from './cipher';
import { describePythonInterop, pythonFernet, PYTHON_TIMEOUT_MS } from '@pecunia/core/testing';

const SECRET = 'operator-secret-0123456789abcdefghijklmnop';
const OLD_SECRET = 'retired-secret-0123456789abcdefghijklmnopq';
const REFRESH_TOKEN = '1//0g-refresh-token_ÄÖ✓';

interface Run {
  code: number;
  out: string[];
  err: string[];
}

async function run(args: string[], stdin: string, env: NodeJS.ProcessEnv = { TOKEN_ENCRYPTION_SECRET: SECRET }): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCipherCommand(args, env, stdin, (line) => out.push(line), (line) => err.push(line));
  return { code, out, err };
}

describe('cipher command', () => {
  it('encrypts a value from stdin and decrypts it back, each result as the last line', async () => {
    // Arrange: stdin as `echo` leaves it, with a trailing newline.
    const input = `${REFRESH_TOKEN}\n`;

    // Act
    const sealed = await run(['encrypt'], input);
    const opened = await run(['decrypt'], `${sealed.out.at(-1)}\n`);

    // Assert
    expect(sealed.code).toBe(0);
    expect(sealed.out.at(-1)).not.toContain(REFRESH_TOKEN);
    expect(opened).toEqual({ code: 0, out: [REFRESH_TOKEN], err: [] });
  });

  it('opens a token of a rotated-out secret and says it should be sealed again', async () => {
    // Arrange
    const sealed = await run(['encrypt'], REFRESH_TOKEN, { TOKEN_ENCRYPTION_SECRET: OLD_SECRET });

    // Act
    const opened = await run(['decrypt'], sealed.out.at(-1)!, { TOKEN_ENCRYPTION_SECRET: `${SECRET},${OLD_SECRET}` });

    // Assert
    expect(opened.code).toBe(0);
    expect(opened.out.at(-1)).toBe(REFRESH_TOKEN);
    expect(opened.err.join('\n')).toMatch(/older secret/);
  });

  it.each([['garbage'], ['gAAAAABgarbage=='], ['%%%%']])('exits 1 on the bad token %p, printing nothing on stdout', async (token) => {
    // Act
    const result = await run(['decrypt'], token);

    // Assert
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err.join('\n')).toMatch(/does not open/);
  });

  it('exits 1 on a token sealed under another secret, naming neither secret', async () => {
    // Arrange
    const sealed = await run(['encrypt'], REFRESH_TOKEN, { TOKEN_ENCRYPTION_SECRET: OLD_SECRET });

    // Act
    const result = await run(['decrypt'], sealed.out.at(-1)!);

    // Assert
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).not.toContain(SECRET);
    expect(result.err.join('\n')).not.toContain(OLD_SECRET);
  });

  it.each([[[]], [['seal']], [['encrypt', 'extra']]])('answers %p with the usage and exit 2', async (args) => {
    const result = await run(args, 'value');

    expect(result.code).toBe(2);
    expect(result.err.join('\n')).toMatch(/^usage: .*encrypt\|decrypt/);
  });

  it.each([[''], ['\n'], ['one\ntwo\n']])('refuses stdin %p: exactly one value is expected', async (stdin) => {
    const result = await run(['encrypt'], stdin);

    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
  });

  it('names TOKEN_ENCRYPTION_SECRET and exits 2 when no secret is configured', async () => {
    const result = await run(['encrypt'], 'value', {});

    expect(result.code).toBe(2);
    expect(result.err.join('\n')).toMatch(/TOKEN_ENCRYPTION_SECRET/);
  });

  it('exits 2 with the configuration problem, not the value, when the secret is too short', async () => {
    const result = await run(['encrypt'], 'value', { TOKEN_ENCRYPTION_SECRET: 'short-secret-value' });

    expect(result.code).toBe(2);
    expect(result.err.join('\n')).toMatch(/TOKEN_ENCRYPTION_SECRET \(item 1\): must be at least 32 characters/);
    expect(result.err.join('\n')).not.toContain('short-secret-value');
  });
});

describePythonInterop('cipher command interop with Python cryptography', () => {

  it('decrypts a token Python sealed with the key derived from TOKEN_ENCRYPTION_SECRET', async () => {
    // Arrange
    const token = pythonFernet('encrypt', SECRET, REFRESH_TOKEN);

    // Act
    const opened = await run(['decrypt'], `${token}\n`);

    // Assert
    expect(opened).toEqual({ code: 0, out: [REFRESH_TOKEN], err: [] });
  }, PYTHON_TIMEOUT_MS);

  it('encrypts a token Python opens', async () => {
    // Arrange
    const sealed = await run(['encrypt'], `${REFRESH_TOKEN}\n`);

    // Act
    const opened = pythonFernet('decrypt', SECRET, sealed.out.at(-1)!);

    // Assert
    expect(opened).toBe(REFRESH_TOKEN);
  }, PYTHON_TIMEOUT_MS);
});
