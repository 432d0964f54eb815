// Operator command: `npm run -s api-key -- create|revoke --user <id>` against the configured key store.
import { parseArgs } from 'node:util';
import { compose } from '@pecunia/core/composition';
import { ConfigError, loadConfig } from '../config';

const USAGE = 'usage: npm run -s api-key -- create --user <id> | revoke --user <id>';
const USER_ID = /^[A-Za-z0-9@._:-]{1,128}$/;

export async function runApiKeyCommand(argv: readonly string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({ args: [...argv], allowPositionals: true, options: { user: { type: 'string' } }, strict: false });
  const [command] = positionals;
  const user = typeof values.user === 'string' ? values.user : undefined;
  if ((command !== 'create' && command !== 'revoke') || !user) {
    out(USAGE);
    return 2;
  }
  if (!USER_ID.test(user)) {
    out('error: --user must be 1–128 letters, digits or @ . _ : -');
    return 2;
  }
  // The key store the API itself is configured with: SQLite under DATA_DIR locally, the shared table in AWS.
  const adapters = await compose(loadConfig(env, 'cli'));
  try {
    const keys = adapters.apiKeys;
    if (command === 'create') {
      const { key } = await keys.create(user);
      out(`Created an API key for user "${user}". It is shown only once:`);
      out(key);
    } else {
      const revoked = await keys.revoke(user);
      out(`Revoked ${revoked} key(s) of user "${user}".`);
    }
    return 0;
  } finally {
    await adapters.close();
  }
}

if (require.main === module) {
  runApiKeyCommand(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
