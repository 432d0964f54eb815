// Preload (`node --import`) for tests: records every module the process loads, CommonJS and ESM alike, and sends the
// list to the parent over IPC when asked — so a test can prove what a start-up did not load.
import { register } from 'node:module';
import { createRequire } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const esm = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => esm.add(url));
port1.unref();
register('./module-trace-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

const require = createRequire(import.meta.url);
process.on('message', (message) => {
  if (message !== 'loaded-modules') return;
  const cjs = Object.keys(require.cache);
  process.send?.({ modules: [...new Set([...cjs, ...esm])] });
});
