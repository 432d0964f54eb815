// Operator command: `npm run -s lambda:invoke -- <event.json>` runs the deployed handler once on an event — an SQS
// batch, or the schedule's `{"action": "run_proactive_analysis"}` — and prints its result, as `sam local invoke` would.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { createLazyHandler, setupFromEnv } from '../handler';

/** A Lambda context for one local invocation with `timeoutMs` to run. */
export function invocationContext(timeoutMs = 15 * 60_000): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = (): never => {
    throw new Error('The callback API of the Lambda context is not supported; the handler returns a promise.');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'pecunia-analysis',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:pecunia-analysis',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/pecunia-analysis',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export async function runInvokeCommand(argv: readonly string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const [file] = argv;
  if (!file) {
    out('usage: npm run -s lambda:invoke -- <event.json>   (an SQS batch, or {"action": "run_proactive_analysis"})');
    return 2;
  }
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    out(`error: ${file} is not a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
    return 2;
  }
  // On this machine, not in AWS: the SQS worker's rules apply (a local journal is reachable here).
  const handler = createLazyHandler(() => setupFromEnv(env, 'worker'));
  out(JSON.stringify(await handler(event, invocationContext())));
  return 0;
}

if (require.main === module) {
  runInvokeCommand(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
