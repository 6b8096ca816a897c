/**
 * The walls of mesh's source tree, checked by dependency-cruiser in `npm run check` (`npm run depcruise`).
 * test/walls/dependency-rules.test.ts plants a violation of each rule and checks this config refuses it.
 *
 * Paths are relative to the repository root. Dynamic `import()` counts like a static import. Type-only imports
 * (`import type`) count too, except for the heavy-SDK rule: a type from the AWS SDK costs nothing at run time and is
 * allowed there (documented in that rule).
 */
const HEAVY = '^node_modules/(@aws-sdk/|kafkajs/|@duckdb/|better-sqlite3/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'commander-only-in-cli',
      comment: 'Command-line parsing belongs to the CLI layer (src/cli); the toolkit and the planes take plain options.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^node_modules/commander/' },
    },
    {
      name: 'terminal-ui-only-in-io',
      comment: 'Spinners (ora) and prompts (@inquirer) live in src/io; everything else asks the IoHost.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/io/' },
      to: { path: '^node_modules/(ora|@inquirer/[^/]+)/' },
    },
    {
      name: 'no-heavy-sdk-in-cli-engine-workspace',
      comment:
        'The CLI layer, the engine and the workspace model load no AWS SDK, kafkajs, DuckDB or SQLite, not even lazily: ' +
        'those belong to the planes and their adapters, reached through the toolkit. Type-only imports are allowed.',
      severity: 'error',
      from: { path: '^src/(cli|engine|workspace)/' },
      to: { path: HEAVY, dependencyTypesNot: ['type-only', 'type-import'] },
    },
    {
      name: 'local-adapter-not-aws',
      comment: 'A local adapter (…/local/…) never imports an aws adapter (…/aws/…) nor the AWS helpers in src/aws.',
      severity: 'error',
      from: { path: '^src/.+/local/' },
      to: { path: ['^src/.+/aws/', '^src/aws/'] },
    },
    {
      name: 'aws-adapter-not-local',
      comment: 'An aws adapter (…/aws/…) never imports a local adapter (…/local/…): shared types go in the port.',
      severity: 'error',
      from: { path: '^src/.+/aws/' },
      to: { path: '^src/.+/local/' },
    },
    {
      name: 'no-folder-cycles',
      comment:
        'No cycle between the top folders of src (core, io, engine, a plane, …). Cycles inside one folder (a plane ' +
        'and its aws/ and local/ adapters) are its own business.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/([^/]+)' },
      to: { circular: true, pathNot: '^src/$1(/|$)' },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^src/portal/web/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      mainFields: ['module', 'main'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
