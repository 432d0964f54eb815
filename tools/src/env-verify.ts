// `npm run -s env:verify -- …`: exits 3 when the env file has drifted from its recorded SHA-256.
import { runEnvVerify } from './env-tools';

if (require.main === module) {
  process.exitCode = runEnvVerify(process.argv.slice(2), process.stdout, process.stderr);
}
