// `npm run -s env:record -- …`: records the SHA-256 of a known-good env file.
import { runEnvRecord } from './env-tools';

if (require.main === module) {
  process.exitCode = runEnvRecord(process.argv.slice(2), process.stdout, process.stderr);
}
