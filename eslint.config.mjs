// Flat ESLint config for the whole workspace: typescript-eslint (type-aware), Nx module boundaries with real tag rules,
// and the layers of core kept by path rules. Import cycles, type-only ones included, are dependency-cruiser's
// (`.dependency-cruiser.cjs`, run by each project's lint): import-x/no-cycle skips `import type`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Vendor SDKs may only be imported by the adapter folder of their vendor (or by app composition roots).
const vendorSdks = [
  'better-sqlite3',
  'googleapis',
  'google-auth-library',
  '@googleapis/*',
  '@google/genai',
  '@aws-sdk/*',
  '@aws-lambda-powertools/*',
  '@langchain/*',
  'express',
  'pino',
  'pino-http',
];
const vendorMessage = 'Vendor SDKs belong in packages/core/src/adapters/<vendor>/ only.';

const core = './packages/core/src';
// The subpath barrels: importing one from inside core would reach every layer it re-exports.
const barrels = ['index', 'composition', 'local', 'aws', 'google', 'serpapi', 'security', 'worker', 'testing'].map((name) => `${name}.ts`);
// Layers of core, lowest first: each may import the ones before it, never one after it.
const layer = (target, forbidden, message) => ({ target: `${core}/${target}`, from: [...forbidden, ...barrels].map((f) => `${core}/${f}`), message });
const coreLayers = [
  layer('domain', ['ports', 'analysis', 'imports', 'services', 'adapters', 'composition', 'security', 'testing'], 'domain/ depends on nothing of ours.'),
  layer('security', ['ports', 'analysis', 'imports', 'services', 'adapters', 'composition', 'testing'], 'security/ (Fernet, signed state) depends on domain/ only.'),
  layer('ports', ['analysis', 'imports', 'services', 'adapters', 'composition', 'security', 'testing'], 'ports/ depend on domain/ only.'),
  layer('analysis', ['ports', 'imports', 'services', 'adapters', 'composition', 'security', 'testing'], 'Pure analysis depends on domain/ only.'),
  layer('imports', ['ports', 'analysis', 'services', 'adapters', 'composition', 'security', 'testing'], 'Broker file parsing is pure: it depends on domain/ only.'),
  layer('services', ['adapters', 'composition', 'testing'], 'Orchestration depends on ports and the pure parts, never on an adapter.'),
  layer('adapters', ['services', 'composition', 'testing'], 'Adapters implement ports; they never call services or the composition.'),
  // The composition is the one place that loads the family barrels (`../local`, `../google`…); test helpers never.
  { target: `${core}/composition`, from: [`${core}/testing`, `${core}/testing.ts`], message: 'Production code never imports test helpers.' },
  // The composition loads the cloud families with import() through their barrels, only when the plan names them.
  {
    target: `${core}/composition`,
    from: [`${core}/adapters/aws`, `${core}/adapters/google`, `${core}/adapters/serpapi`],
    message: 'Cloud adapters load lazily: import() their family barrel (../google, ../aws) instead.',
  },
  // One vendor's adapters never reach into another's: each family loads on its own.
  ...['local', 'aws', 'google', 'serpapi'].map((vendor) => ({
    target: `${core}/adapters/${vendor}`,
    from: ['local', 'aws', 'google', 'serpapi'].filter((other) => other !== vendor).map((other) => `${core}/adapters/${other}`),
    message: 'Adapters of one vendor do not import another vendor.',
  })),
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/coverage/**', '**/*.generated.ts', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx, 'import-x': importX },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.base.json', '*/*/tsconfig.json', '*/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // A promise nobody awaits loses its error: a write that failed silently, a test that passed without running.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:core', 'type:sdk'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:core'] },
            { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['type:core', 'type:sdk'] },
          ],
        },
      ],
    },
  },
  {
    // Layers hold for production code; a test may assemble real adapters around the unit it tests.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      // basePath: zones are relative to the repository, whichever folder lint runs from (Nx runs it per project).
      'import-x/no-restricted-paths': ['error', { zones: coreLayers, basePath: import.meta.dirname }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/adapters/**', 'packages/core/src/services/analysis-workflow/**', 'packages/core/src/**/*.test.ts', 'packages/core/src/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: vendorSdks, message: vendorMessage }] }],
      // no-restricted-imports does not see import(): a lazily loaded SDK outside adapters is refused here.
      'no-restricted-syntax': [
        'error',
        {
          selector: `ImportExpression > Literal[value=/^(${vendorSdks.map((sdk) => sdk.replace('/*', '/').replace(/[.\/]/g, '\\$&')).join('|')})/]`,
          message: vendorMessage,
        },
      ],
    },
  },
  {
    // The analysis workflow is a LangGraph graph: that one engine, and no other vendor, is allowed there.
    files: ['packages/core/src/services/analysis-workflow/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: vendorSdks.filter((sdk) => sdk !== '@langchain/*'), message: vendorMessage }] },
      ],
    },
  },
  {
    // Apps compose; the cloud SDKs and the workflow engine reach them only through core's adapters.
    files: ['apps/**/*.ts'],
    ignores: ['apps/**/*.test.ts', 'apps/**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'googleapis',
                '@googleapis/*',
                'google-auth-library',
                '@google/genai',
                '@aws-sdk/*',
                '@langchain/*',
                'better-sqlite3',
                '@pecunia/core/local',
                '@pecunia/core/google',
                '@pecunia/core/serpapi',
                '@pecunia/core/worker',
              ],
              message: 'Apps get adapters from @pecunia/core/composition; vendor SDKs stay in core adapters.',
            },
          ],
        },
      ],
    },
  },
);
