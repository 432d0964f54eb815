// Test stand-in for the analysis thread (analysis-thread/thread-main.ts): the same protocol, no adapters, and what
// each start of it does read from `$DATA_DIR/plan.json` — `{"1": "crash-on-wake", "2": "start"}` — so a test can make
// it crash, fail to start or ignore a stop. Plain JavaScript: it starts in milliseconds, without tsx.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const dir = workerData.config.env.DATA_DIR;
const runsFile = path.join(dir, 'runs');
const run = (existsSync(runsFile) ? Number(readFileSync(runsFile, 'utf8')) : 0) + 1;
writeFileSync(runsFile, String(run));
const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8'));
const action = plan[String(run)] ?? 'start';

if (action === 'fail-start') throw new Error(`fake thread could not start (run ${run})`);

parentPort.on('message', (message) => {
  if (message.type === 'wake' && action === 'crash-on-wake') throw new Error(`fake thread crashed (run ${run})`);
  if (message.type === 'wake') parentPort.postMessage({ type: 'log', level: 'info', message: 'fake thread woken', fields: { run } });
  if (message.type === 'stop' && action !== 'hold-job') {
    parentPort.postMessage({ type: 'stopped', released: 0 });
    parentPort.close();
  }
});
// A job in hand that never finishes, nor hears the stop: the thread of a big synchronous analysis.
if (action === 'hold-job') parentPort.postMessage({ type: 'jobs', inHand: 1 });
parentPort.postMessage({ type: 'log', level: 'info', message: 'fake thread running', fields: { run, public_base_url: workerData.publicBaseUrl } });
parentPort.postMessage({ type: 'started' });
