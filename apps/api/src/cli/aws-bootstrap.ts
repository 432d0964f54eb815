// Operator command: `npm run -s aws:bootstrap` creates what the environment points at — the SQS queue, its dead-letter
// queue and the DynamoDB table — from the same definitions the Pulumi program uses; safe to run twice.
import { openAwsFamily } from '@pecunia/core/composition';
import { ConfigError, loadConfig } from '../config';

export async function runBootstrapCommand(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const config = loadConfig(env, 'cli');
  if (!config.env.ANALYSIS_QUEUE_URL || !config.env.DYNAMODB_TABLE_NAME) {
    out('error: set ANALYSIS_QUEUE_URL and DYNAMODB_TABLE_NAME (and AWS_REGION; AWS_ENDPOINT_URL for a local stand-in)');
    return 2;
  }
  const aws = await openAwsFamily(config.env);
  try {
    const report = await aws.bootstrap({ info: (message) => out(message), warn: (message) => out(`note: ${message}`), error: (message) => out(`error: ${message}`) });
    out(JSON.stringify(report));
    return 0;
  } finally {
    aws.close();
  }
}

if (require.main === module) {
  runBootstrapCommand(process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
