// The API in a process of its own, for peak-memory readings that see the server alone (run by bench/attachments.ts).
// Prints `{url, key}` as one JSON line, collects garbage when asked over IPC, and stops when the parent disconnects.
import { startBenchApi } from './api-server';

async function main(): Promise<void> {
  const api = await startBenchApi();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc || !process.send) throw new Error('run me with --expose-gc through child_process.fork');
  process.on('message', (message) => {
    if (message === 'gc') {
      gc();
      process.send!('gc-done');
    }
  });
  process.once('disconnect', () => {
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.send({ url: api.url, key: api.key });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench api child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
