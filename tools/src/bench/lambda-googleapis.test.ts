// Where the Lambda comparison's googleapis comes from, and the shims that move the handler's clients onto it. No
// network: the installer is a stand-in, and the `googleapis` the shims are bundled against is a three-line fake.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { build, type Metafile } from 'esbuild';
import {
  bytesOf,
  findGoogleapis,
  googleapisShims,
  googleapisStep,
  nodeModulesOf,
  npmFailureReason,
  npmInstallArgs,
  packageCopies,
  perApiPackage,
  secondCopiesFrom,
  shimSource,
  versionIn,
  type Installer,
} from './lambda-googleapis';

/** A node_modules folder holding a googleapis manifest at `version` (and, optionally, its entry point). */
async function fakeGoogleapis(nodeModules: string, version: string, main = 'module.exports = {};'): Promise<void> {
  await mkdir(path.join(nodeModules, 'googleapis'), { recursive: true });
  await writeFile(path.join(nodeModules, 'googleapis', 'package.json'), JSON.stringify({ name: 'googleapis', version, main: 'index.js' }));
  await writeFile(path.join(nodeModules, 'googleapis', 'index.js'), main);
}

describe('googleapisStep', () => {
  it.each([
    [{ inWorkspace: true, cachedVersion: undefined, quick: true }, 'workspace'],
    [{ inWorkspace: true, cachedVersion: '1.0.0', quick: false }, 'workspace'],
    [{ inWorkspace: false, cachedVersion: '1.0.0', quick: true }, 'cache'],
    [{ inWorkspace: false, cachedVersion: '1.0.0', quick: false }, 'cache'],
    [{ inWorkspace: false, cachedVersion: undefined, quick: false }, 'download'],
    [{ inWorkspace: false, cachedVersion: '0.9.0', quick: false }, 'download'],
    [{ inWorkspace: false, cachedVersion: undefined, quick: true }, 'skip'],
    [{ inWorkspace: false, cachedVersion: '0.9.0', quick: true }, 'skip'],
  ] as const)('%j → %s', (state, step) => {
    // Arrange / Act / Assert
    expect(googleapisStep({ ...state, version: '1.0.0' })).toBe(step);
  });
});

describe('npm helpers', () => {
  it('installs exactly the pinned googleapis into the prefix, saving nothing and running no scripts', () => {
    // Arrange / Act
    const args = npmInstallArgs('/cache/googleapis', '178.0.0');
    // Assert
    expect(args).toEqual(['install', '--prefix', '/cache/googleapis', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', 'googleapis@178.0.0']);
  });

  it("says why npm failed in a few words: its error code, else the first line it wrote", () => {
    // Arrange
    const offline = Object.assign(new Error('Command failed: npm install'), { stderr: 'npm error code ENOTFOUND\nnpm error syscall getaddrinfo\n' });
    const old = Object.assign(new Error('Command failed: npm install'), { stderr: 'npm ERR! code ETARGET\n' });
    const missing = Object.assign(new Error('spawn npm ENOENT'), { stderr: '' });
    // Act / Assert
    expect(npmFailureReason(offline)).toBe('npm ENOTFOUND');
    expect(npmFailureReason(old)).toBe('npm ETARGET');
    expect(npmFailureReason(missing)).toBe('spawn npm ENOENT');
    expect(npmFailureReason(new Error('x'.repeat(200)))).toHaveLength(120);
  });

  it('finds the node_modules folder a resolved file sits in', () => {
    // Arrange / Act / Assert
    expect(nodeModulesOf(path.join('/a', 'node_modules', 'googleapis', 'build', 'src', 'index.js'), 'googleapis')).toBe(path.join('/a', 'node_modules'));
    expect(nodeModulesOf(path.join('/a', 'node_modules', 'x', 'node_modules', 'googleapis', 'index.js'), 'googleapis')).toBe(path.join('/a', 'node_modules', 'x', 'node_modules'));
    expect(nodeModulesOf(path.join('/a', 'src', 'googleapis', 'index.js'), 'googleapis')).toBeUndefined();
  });
});

describe('findGoogleapis', () => {
  let dir: string;
  let root: string;
  let cacheDir: string;
  const log = () => {};

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pecunia-bench-googleapis-'));
    // A workspace of its own, with no googleapis unless a test puts one there.
    root = path.join(dir, 'workspace');
    cacheDir = path.join(dir, 'cache', 'googleapis');
    await mkdir(path.join(root, 'node_modules'), { recursive: true });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses the workspace copy when there is one, downloading nothing', async () => {
    // Arrange
    await fakeGoogleapis(path.join(root, 'node_modules'), '150.0.0');
    const install = jest.fn<Promise<void>, Parameters<Installer>>();
    // Act
    const found = await findGoogleapis({ quick: false, log, root, cacheDir, version: '178.0.0', install });
    // Assert
    expect(found).toEqual({ version: '150.0.0', nodeModules: path.join(root, 'node_modules'), source: 'workspace' });
    expect(install).not.toHaveBeenCalled();
  });

  it('reuses the cache at the pinned version, in quick runs too', async () => {
    // Arrange
    await fakeGoogleapis(path.join(cacheDir, 'node_modules'), '178.0.0');
    const install = jest.fn<Promise<void>, Parameters<Installer>>();
    // Act
    const found = await findGoogleapis({ quick: true, log, root, cacheDir, version: '178.0.0', install });
    // Assert
    expect(found).toEqual({ version: '178.0.0', nodeModules: path.join(cacheDir, 'node_modules'), source: 'cache' });
    expect(install).not.toHaveBeenCalled();
  });

  it('downloads nothing in a quick run without a copy, and says so', async () => {
    // Arrange
    const install = jest.fn<Promise<void>, Parameters<Installer>>();
    // Act
    const found = await findGoogleapis({ quick: true, log, root, cacheDir, version: '178.0.0', install });
    // Assert
    expect(found).toEqual({ unavailable: 'n/a (googleapis not installed) — not measured in --quick (would download googleapis)' });
    expect(install).not.toHaveBeenCalled();
  });

  it('fills the cache in a full run, replacing an older version, through a staging folder', async () => {
    // Arrange
    await fakeGoogleapis(path.join(cacheDir, 'node_modules'), '177.0.0');
    const install = jest.fn<Promise<void>, Parameters<Installer>>(async (prefix, version) => {
      expect(prefix).not.toBe(cacheDir);
      await fakeGoogleapis(path.join(prefix, 'node_modules'), version);
    });
    // Act
    const found = await findGoogleapis({ quick: false, log, root, cacheDir, version: '178.0.0', install });
    // Assert
    expect(found).toEqual({ version: '178.0.0', nodeModules: path.join(cacheDir, 'node_modules'), source: 'download' });
    expect(install).toHaveBeenCalledTimes(1);
    expect(versionIn(path.join(cacheDir, 'node_modules'))).toBe('178.0.0');
    expect(await readdir(path.dirname(cacheDir))).toEqual(['googleapis']);
  });

  it('leaves the row n/a with the reason when the download fails, and no half-filled cache', async () => {
    // Arrange
    const install: Installer = async (prefix) => {
      await mkdir(path.join(prefix, 'node_modules', 'partial'), { recursive: true });
      throw Object.assign(new Error('Command failed: npm install'), { stderr: 'npm error code EAI_AGAIN\n' });
    };
    // Act
    const found = await findGoogleapis({ quick: false, log, root, cacheDir, version: '178.0.0', install });
    // Assert
    expect(found).toEqual({ unavailable: 'n/a (googleapis@178.0.0 download failed: npm EAI_AGAIN)' });
    expect(existsSync(cacheDir)).toBe(false);
    expect(await readdir(path.dirname(cacheDir))).toEqual([]);
  });

  it('does not take a download of another version', async () => {
    // Arrange
    const install: Installer = (prefix) => fakeGoogleapis(path.join(prefix, 'node_modules'), '179.0.0');
    // Act
    const found = await findGoogleapis({ quick: false, log, root, cacheDir, version: '178.0.0', install });
    // Assert
    expect(found).toEqual({ unavailable: 'n/a (googleapis@178.0.0 download failed: npm installed googleapis 179.0.0, not 178.0.0)' });
    expect(existsSync(cacheDir)).toBe(false);
  });
});

describe('googleapis shims', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pecunia-bench-shims-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('knows a per-API package by its name', () => {
    // Arrange / Act / Assert
    expect(perApiPackage('@googleapis/drive')).toBe('drive');
    expect(perApiPackage('@googleapis/sheets')).toBe('sheets');
    expect(perApiPackage('@googleapis/drive/build/v3')).toBeUndefined();
    expect(perApiPackage('googleapis')).toBeUndefined();
    expect(perApiPackage('@google/genai')).toBeUndefined();
  });

  it("stands in for a per-API package with the whole package's factory", () => {
    // Arrange / Act
    const source = shimSource('drive');
    // Assert
    expect(source).toContain("import { google } from 'googleapis';");
    expect(source).toContain('export const drive = (versionOrOptions) => google.drive(versionOrOptions);');
  });

  it("bundles the handler's per-API clients as googleapis' own, with nothing of the per-API packages left", async () => {
    // Arrange: a googleapis whose factories say who built the client, resolved through nodePaths as the bench does.
    const nodeModules = path.join(dir, 'elsewhere', 'node_modules');
    await fakeGoogleapis(
      nodeModules,
      '1.0.0',
      "exports.google = { auth: 'auth', drive(o) { return { by: 'googleapis', api: 'drive', self: this === exports.google, o }; }, sheets(o) { return { by: 'googleapis', api: 'sheets', o }; } };",
    );
    const entry = path.join(dir, 'entry.ts');
    await writeFile(
      entry,
      "import { drive } from '@googleapis/drive';\nimport { sheets } from '@googleapis/sheets';\n" +
        "(globalThis as Record<string, unknown>).out = [drive({ version: 'v3' }), sheets({ version: 'v4' })];\n",
    );
    const redirected = new Set<string>();
    // Act
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      metafile: true,
      outfile: path.join(dir, 'index.js'),
      nodePaths: [nodeModules],
      plugins: [googleapisShims(dir, redirected)],
      logLevel: 'silent',
    });
    const sandbox: { out?: unknown; module: { exports: unknown }; exports?: unknown } = { module: { exports: {} } };
    sandbox.exports = sandbox.module.exports;
    runInNewContext(result.outputFiles[0]!.text, sandbox);
    // Assert
    expect([...redirected].sort()).toEqual(['drive', 'sheets']);
    expect(sandbox.out).toEqual([
      { by: 'googleapis', api: 'drive', self: true, o: { version: 'v3' } },
      { by: 'googleapis', api: 'sheets', o: { version: 'v4' } },
    ]);
    expect([...packageCopies(result.metafile, 'index.js').keys()]).toEqual(['googleapis']);
  });
});

describe('packageCopies', () => {
  const metafile = (inputs: Record<string, number>): Metafile => ({
    inputs: {},
    outputs: {
      'out/index.js': {
        bytes: 0,
        imports: [],
        exports: [],
        inputs: Object.fromEntries(Object.entries(inputs).map(([file, bytesInOutput]) => [file, { bytesInOutput }])),
      },
    },
  });

  it('adds up each copy of each package, the innermost package owning a file', () => {
    // Arrange
    const meta = metafile({
      'apps/x/src/handler.ts': 50,
      'node_modules/gaxios/build/a.js': 10,
      'node_modules/gaxios/build/b.js': 5,
      '../cache/node_modules/gaxios/build/a.js': 12,
      '../cache/node_modules/googleapis/build/src/index.js': 1000,
      '../cache/node_modules/googleapis-common/node_modules/gaxios/x.js': 3,
      'node_modules/@googleapis/drive/build/index.js': 7,
    });
    // Act
    const copies = packageCopies(meta, 'index.js', '/w/main');
    // Assert
    expect(Object.fromEntries(copies)).toEqual({
      gaxios: [
        { folder: '/w/main/node_modules/gaxios', bytes: 15 },
        { folder: '/w/cache/node_modules/gaxios', bytes: 12 },
        { folder: '/w/cache/node_modules/googleapis-common/node_modules/gaxios', bytes: 3 },
      ],
      googleapis: [{ folder: '/w/cache/node_modules/googleapis', bytes: 1000 }],
      '@googleapis/drive': [{ folder: '/w/main/node_modules/@googleapis/drive', bytes: 7 }],
    });
    expect(bytesOf(copies.get('gaxios'))).toBe(30);
    expect(bytesOf(copies.get('nothing'))).toBe(0);
    expect(packageCopies(meta, 'other.js').size).toBe(0);
  });

  it('counts what copies from a separate install add to packages bundled from elsewhere too', () => {
    // Arrange
    const copies = packageCopies(
      metafile({
        'node_modules/gaxios/a.js': 10,
        '../cache/node_modules/gaxios/a.js': 12,
        '../cache/node_modules/googleapis-common/node_modules/gaxios/x.js': 3,
        '../cache/node_modules/googleapis/index.js': 1000,
        '../cache/node_modules/gtoken/index.js': 20,
        'node_modules/zod/index.js': 40,
      }),
      'index.js',
      '/w/main',
    );
    // Act / Assert: the cache's two gaxios copies; googleapis and gtoken come from the cache alone, zod from the workspace.
    expect(secondCopiesFrom(copies, '/w/cache/node_modules')).toBe(15);
  });
});
