// `npm run -s env:check -- …`: validates an env file with the one env schema before a (re)start.
import { runEnvCheck } from './env-tools';

if (require.main === module) {
  process.exitCode = runEnvCheck(process.argv.slice(2), process.stdout, process.stderr);
}
