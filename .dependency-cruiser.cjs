// Import-cycle rules, checked in `npm test` by test/architecture/cycles.test.ts
// (and by hand with `npx depcruise src server main host renderer/src`).
// Type imports count (tsPreCompilationDeps): a type-only cycle still ties two
// modules together for whoever changes one of them.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle between files: move the shared part into a leaf both sides import.',
      from: { pathNot: ['^node_modules'] },
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
