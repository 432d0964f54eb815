// Import cycles, type-only ones included, fail lint: ESLint's import-x/no-cycle skips `import type`, this does not.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Two modules that share types get a `*-types.ts` beside them; arrows only point down.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '\\.test\\.ts$'] },
    // Type-only imports are dependencies too: a type cycle still couples the two modules.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.base.json') },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
