// `npm run -s build:api`: the API as one file, dist/api/main.js, plus a package.json naming only what stays external.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(ROOT, 'apps/api/src/main.ts');
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

export interface BuildApiOptions {
  outDir?: string;
}

export interface BuiltApi {
  mainPath: string;
  packageJsonPath: string;
  bundleBytes: number;
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
  await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    target: API_TARGET,
    format: 'cjs',
    // Not minified: a server starts once, and a stack trace in its logs should read without the map. keepNames keeps
    // class names (error names, adapter names in readiness) as written.
    minify: false,
    keepNames: true,
    // Linked, beside main.js: NODE_OPTIONS=--enable-source-maps maps traces to the TypeScript when investigating.
    sourcemap: 'linked',
    outfile: mainPath,
    // `@pecunia/*` resolve to source as the workspace maps them.
    tsconfig: path.join(ROOT, 'tsconfig.base.json'),
    external: API_EXTERNALS,
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
  return { mainPath, packageJsonPath, bundleBytes, dependencies };
}

async function main(): Promise<void> {
  const built = await buildApi();
  const externals = Object.entries(built.dependencies).map(([name, range]) => `${name}@${range}`);
  process.stdout.write(
    `${path.relative(process.cwd(), built.mainPath)}: ${built.bundleBytes} bytes; external: ${externals.join(', ')} ` +
      `(listed in ${path.relative(process.cwd(), built.packageJsonPath)})\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
