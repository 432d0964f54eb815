// Operator command: `npm run -s cipher -- encrypt|decrypt` seals or opens one stored OAuth token read from stdin.
import { isPecuniaError } from '@pecunia/core';
import { TokenCipher } from '@pecunia/core/security';
import { ConfigError, loadConfig } from '../config';

const COMMANDS = ['encrypt', 'decrypt'] as const;
type Command = (typeof COMMANDS)[number];
const isCommand = (word: string | undefined): word is Command => COMMANDS.some((command) => command === word);

const USAGE = [
  'usage: printf %s "$VALUE" | npm run -s cipher -- encrypt|decrypt',
  '  reads one value on stdin and prints the token (encrypt) or the plaintext (decrypt) as the last line;',
  '  keys come from TOKEN_ENCRYPTION_SECRET (comma-separated, newest first; GOOGLE_CLIENT_SECRET when unset).',
].join('\n');

/**
 * Exit codes: 0 done, 1 the token does not open under any configured key, 2 usage or configuration.
 * Async like the other operator commands, though the work itself is synchronous.
 */
export async function runCipherCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  stdin: string,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const [command, ...extra] = argv;
  if (!isCommand(command) || extra.length > 0) {
    err(USAGE);
    return 2;
  }
  // `echo` adds one newline; anything else inside the value is kept, except that a second line means two values.
  const value = stdin.replace(/\r?\n$/, '');
  if (value === '' || /[\r\n]/.test(value)) {
    err(`error: expected exactly one non-empty value on stdin\n${USAGE}`);
    return 2;
  }

  let secrets: readonly string[] | undefined;
  try {
    const { env: config } = loadConfig(env, 'cli');
    secrets = config.TOKEN_ENCRYPTION_SECRET ?? (config.GOOGLE_CLIENT_SECRET ? [config.GOOGLE_CLIENT_SECRET] : undefined);
  } catch (error) {
    // The configuration names the variables at fault and never echoes a secret's value.
    if (!(error instanceof ConfigError)) throw error;
    err(error.message);
    return 2;
  }
  if (!secrets) {
    err(`error: set TOKEN_ENCRYPTION_SECRET (the secret the tokens were sealed with)\n${USAGE}`);
    return 2;
  }

  const cipher = new TokenCipher(secrets);
  if (command === 'encrypt') {
    out(cipher.encrypt(value));
    return 0;
  }
  try {
    const { plaintext, stale } = cipher.decrypt(value);
    if (stale) err('note: sealed under an older secret; encrypt it again to store it under the newest one');
    out(plaintext);
    return 0;
  } catch (error) {
    if (!(isPecuniaError(error) && error.code === 'CIPHER.INVALID_TOKEN')) throw error;
    err('error: the token does not open under any configured secret (wrong secret, or not a Fernet token)');
    return 1;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

if (require.main === module) {
  // A mistyped command answers with its usage at once instead of waiting for stdin from the terminal.
  (isCommand(process.argv[2]) ? readStdin() : Promise.resolve(''))
    .then((stdin) =>
      runCipherCommand(
        process.argv.slice(2),
        process.env,
        stdin,
        (line) => process.stdout.write(`${line}\n`),
        (line) => process.stderr.write(`${line}\n`),
      ),
    )
    .then(
      (code) => process.exit(code),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
}
