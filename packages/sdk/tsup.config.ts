// Build of the published package: the library as ESM and CJS with their own types, and the `pecunia` CLI.
import { defineConfig, type Options } from 'tsup';

// .mjs/.cjs whatever the package "type", so that each file says what it is. The types of the CJS build come out as
// index.d.ts (tsup's declaration worker does not see this function); the build script renames them to index.d.cts.
const outExtension: Options['outExtension'] = ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.cjs' });

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    outExtension,
    // The two builds run at once; each cleans only its own files.
    clean: ['index.*'],
    platform: 'neutral',
    target: 'es2022',
    sourcemap: true,
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['cjs'],
    outExtension,
    clean: ['cli.*'],
    platform: 'node',
    target: 'node20',
  },
]);
