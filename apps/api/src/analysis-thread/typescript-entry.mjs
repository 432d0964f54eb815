// Entry of the analysis thread when the API runs from source (`npm start` through tsx, Jest, the bench). Node 20 gives
// a worker thread none of its parent's loader hooks (tsx's `--import` stops at the main thread), so tsx's hooks are
// registered here, for require() and import() alike, before the TypeScript entry loads. The built API starts
// dist/api/analysis-thread.js instead, with no tsx.
import { createRequire } from 'node:module';
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

registerCommonJs();
registerEsm();
createRequire(import.meta.url)('./thread-main.ts');
