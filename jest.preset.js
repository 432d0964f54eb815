// Shared Jest preset: TypeScript through @swc/jest, workspace paths mapped to source, ESM-only deps transformed.
const path = require('node:path');

const root = __dirname;
// Packages published only as ESM are compiled to CommonJS for Jest like our own sources.
const esmOnly = [
  'file-type', 'strtok3', 'token-types', '@tokenizer', 'uint8array-extras', 'peek-readable',
  'p-retry', 'is-network-error', '@borewit',
];

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      require.resolve('@swc/jest'),
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper: {
    '^@pecunia/core$': path.join(root, 'packages/core/src/index.ts'),
    '^@pecunia/core/(composition|local|aws|google|security|worker|testing)$': path.join(root, 'packages/core/src/$1.ts'),
    '^@pecunia/sdk$': path.join(root, 'packages/sdk/src/index.ts'),
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};
