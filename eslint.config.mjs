// Flat ESLint config for the whole workspace: typescript-eslint plus Nx module boundaries with real tag rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

// Vendor SDKs may only be imported by the adapter folder of their vendor (or by app composition roots).
const vendorSdks = [
  'better-sqlite3',
  'googleapis',
  '@googleapis/*',
  '@google/genai',
  '@aws-sdk/*',
  'express',
  'pino',
  'pino-http',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/coverage/**', '**/*.generated.ts', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
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
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/adapters/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: vendorSdks, message: 'Vendor SDKs belong in packages/core/src/adapters/<vendor>/ only.' }] },
      ],
    },
  },
);
