// Operator command: `npm run -s weekly:run` fires the weekly proactive run once, as the cron or EventBridge would.
import { compose } from '@pecunia/core/composition';
import { ConfigError, loadConfig } from '../config';

export async function runWeeklyCommand(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const adapters = await compose(loadConfig(env, 'cli'));
  try {
    const result = await adapters.runWeeklyAnalyses();
    out(JSON.stringify(result));
    // Non-zero when a schedule could not be queued, so a cron wrapper notices.
    return result.failed.length === 0 ? 0 : 1;
  } finally {
    await adapters.close();
  }
}

if (require.main === module) {
  runWeeklyCommand(process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
