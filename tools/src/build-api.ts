// `npm run -s build:api`: the API as one file, dist/api/main.js, with its analysis thread beside it
// (dist/api/analysis-thread.js), plus a package.json naming only what stays external.
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(ROOT, 'apps/api/src/main.ts');
/**
 * The analysis worker's thread (ANALYSIS_WORKER=thread): a bundle of its own, which main.js starts from beside itself
 * under this name (apps/api/src/analysis-thread/analysis-thread.ts: ANALYSIS_THREAD_BUNDLE). The two bundles share
 * nothing at run time: each thread loads its own copy of what it uses.
 */
const THREAD_ENTRY = path.join(ROOT, 'apps/api/src/analysis-thread/thread-main.ts');
export const API_THREAD_FILE = 'analysis-thread.js';
export const DEFAULT_API_OUT_DIR = path.join(ROOT, 'dist/api');

/**
 * Left as `require()` calls and installed beside main.js by the image: better-sqlite3 is a native addon built for the
 * machine it runs on, and a container in local mode opens SQLite with it.
 */
export const API_EXTERNALS = ['better-sqlite3'];

/**
 * The lowest Node the bundle must run on: the repository's own (engines >=20.19; the build test starts it there). The
 * image runs Node 22 (apps/api/Dockerfile), which runs node20 output unchanged.
 */
export const API_TARGET = 'node20';

/**
 * The files of swagger-ui-dist the docs page loads (apps/api/src/openapi/docs-page.ts lists them; the build test loads
 * every one the built page links), copied to dist/api/swagger-ui where the bundled API looks first, with the package's
 * licence and notice (Apache-2.0). Copied rather than installed: the package is 10 MB of which the page needs 1.5.
 */
export const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png', 'LICENSE', 'NOTICE'];

export interface BuildApiOptions {
  outDir?: string;
}

export interface BuiltApi {
  mainPath: string;
  /** The analysis thread's bundle, beside main.js. */
  threadPath: string;
  packageJsonPath: string;
  bundleBytes: number;
  /** Where the docs page's Swagger UI files were copied. */
  swaggerUiDir: string;
  /** What `npm install` in the image fetches: each external at the range core declares. */
  dependencies: Record<string, string>;
}

interface Manifest {
  version?: string;
  dependencies?: Record<string, string>;
}

const readManifest = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Manifest;

/** Each external at the version core depends on: the image installs what the tests ran with, not whatever is newest. */
async function externalVersions(): Promise<Record<string, string>> {
  const core = await readManifest(path.join(ROOT, 'packages/core/package.json'));
  return Object.fromEntries(
    API_EXTERNALS.map((name) => {
      const range = core.dependencies?.[name];
      if (!range) throw new Error(`${name} is external to the API bundle but not a dependency of packages/core/package.json`);
      return [name, range];
    }),
  );
}

export async function buildApi({ outDir = DEFAULT_API_OUT_DIR }: BuildApiOptions = {}): Promise<BuiltApi> {
  const [dependencies, api] = await Promise.all([externalVersions(), readManifest(path.join(ROOT, 'apps/api/package.json'))]);
  const mainPath = path.join(outDir, 'main.js');
  const threadPath = path.join(outDir, API_THREAD_FILE);
  await build({
    entryPoints: { main: ENTRY, [path.basename(API_THREAD_FILE, '.js')]: THREAD_ENTRY },
    bundle: true,
    platform: 'node',
    target: API_TARGET,
    format: 'cjs',
    // Not minified: a server starts once, and a stack trace in its logs should read without the map. keepNames keeps
    // class names (error names, adapter names in readiness) as written.
    minify: false,
    keepNames: true,
    // Linked, beside each bundle: NODE_OPTIONS=--enable-source-maps maps traces to the TypeScript when investigating.
    sourcemap: 'linked',
    outdir: outDir,
    // `@pecunia/*` resolve to source as the workspace maps them.
    tsconfig: path.join(ROOT, 'tsconfig.base.json'),
    // swagger-ui-dist is only ever `require.resolve`d, for its files, which are copied beside main.js (copySwaggerUi).
    external: [...API_EXTERNALS, 'swagger-ui-dist'],
    logLevel: 'warning',
  });
  const bundleBytes = (await stat(mainPath)).size;

  const manifest = {
    name: '@pecunia/api-dist',
    version: api.version ?? '0.0.0',
    private: true,
    description: 'The built API: main.js and the native dependencies it leaves external.',
    type: 'commonjs',
    main: 'main.js',
    engines: { node: '>=20.19' },
    dependencies,
  };
  const packageJsonPath = path.join(outDir, 'package.json');
  await mkdir(outDir, { recursive: true });
  await writeFile(packageJsonPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const swaggerUiDir = await copySwaggerUi(outDir);
  return { mainPath, threadPath, packageJsonPath, bundleBytes, swaggerUiDir, dependencies };
}

async function copySwaggerUi(outDir: string): Promise<string> {
  const from = path.dirname(require.resolve('swagger-ui-dist/package.json', { paths: [path.join(ROOT, 'apps/api')] }));
  const to = path.join(outDir, 'swagger-ui');
  await mkdir(to, { recursive: true });
  await Promise.all(SWAGGER_UI_FILES.map((file) => copyFile(path.join(from, file), path.join(to, file))));
  return to;
}

async function main(): Promise<void> {
  const built = await buildApi();
  const externals = Object.entries(built.dependencies).map(([name, range]) => `${name}@${range}`);
  process.stdout.write(
    `${path.relative(process.cwd(), built.mainPath)}: ${built.bundleBytes} bytes (and ${path.basename(built.threadPath)}); external: ${externals.join(', ')} ` +
      `(listed in ${path.relative(process.cwd(), built.packageJsonPath)})\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
