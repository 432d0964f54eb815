// The `cipher` operator command: round trip, refusals, and tokens the earlier Python service sealed.
import { spawnSync } from 'node:child_process';
import { runCipherCommand } from './cipher';

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

// Python's `cryptography` is the earlier service's Fernet: values go through stdin, never a file.
// Starting python3 and importing cryptography can take seconds on a busy machine, hence the long timeouts.
const PYTHON_TIMEOUT_MS = 30_000;
const PYTHON_FERNET = `
import base64, hashlib, json, sys
from cryptography.fernet import Fernet
request = json.load(sys.stdin)
fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(request["secret"].encode("utf-8")).digest()))
if request["op"] == "encrypt":
    print(fernet.encrypt(request["value"].encode("utf-8")).decode("ascii"))
else:
    print(fernet.decrypt(request["value"].encode("ascii")).decode("utf-8"))
`;

function python(op: 'encrypt' | 'decrypt', secret: string, value: string): string {
  const result = spawnSync('python3', ['-c', PYTHON_FERNET], { input: JSON.stringify({ op, secret, value }), encoding: 'utf8', timeout: PYTHON_TIMEOUT_MS });
  if (result.status !== 0) throw new Error(`python3 ${op} failed: ${result.stderr || result.error?.message}`);
  return result.stdout.trimEnd();
}

// Detected at load time, so that a local run without Python reports the tests as skipped (with the reason in the
// title) rather than as passed; under CI the block runs and its beforeAll fails instead.
const pythonCheck = spawnSync('python3', ['-c', 'import cryptography.fernet'], { encoding: 'utf8', timeout: PYTHON_TIMEOUT_MS });
const pythonMissing = pythonCheck.status === 0 ? undefined : (pythonCheck.error?.message ?? pythonCheck.stderr.trim().split('\n').at(-1));
const describeInterop = pythonMissing === undefined || process.env.CI === 'true' ? describe : describe.skip;

describeInterop(`cipher command interop with Python cryptography${pythonMissing ? ` (python3 unavailable: ${pythonMissing})` : ''}`, () => {
  beforeAll(() => {
    if (pythonMissing !== undefined && process.env.CI === 'true') {
      throw new Error(`CI must run the Python interop tests: python3 with the cryptography module is required (${pythonMissing})`);
    }
  });

  it('decrypts a token Python sealed with the key derived from TOKEN_ENCRYPTION_SECRET', async () => {
    // Arrange
    const token = python('encrypt', SECRET, REFRESH_TOKEN);

    // Act
    const opened = await run(['decrypt'], `${token}\n`);

    // Assert
    expect(opened).toEqual({ code: 0, out: [REFRESH_TOKEN], err: [] });
  }, PYTHON_TIMEOUT_MS);

  it('encrypts a token Python opens', async () => {
    // Arrange
    const sealed = await run(['encrypt'], `${REFRESH_TOKEN}\n`);

    // Act
    const opened = python('decrypt', SECRET, sealed.out.at(-1)!);

    // Assert
    expect(opened).toBe(REFRESH_TOKEN);
  }, PYTHON_TIMEOUT_MS);
});
