// ESLint flat config: the architecture as rules. Run by `npm run lint` (scripts/lint.sh), itself run by `npm test`.
// Errors are kept for what breaks the design or is a real bug (import cycles, part boundaries, pure cores
// doing I/O, duplicate imports, the bug-finding rules below); style findings are warnings so a colleague's
// new code never fails the build for taste. Formatting is Prettier's job (`prettier --check` in the same script).
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Node's and npm's I/O modules a pure core must not import (it takes state and input, returns results). */
const IO_MODULES = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'dgram',
  'node:dgram',
  'http',
  'node:http',
  'child_process',
  'node:child_process',
  'mqtt',
  'pg',
  'better-sqlite3',
  'yaml',
  'serialport',
  'node-opcua',
  'influx',
  '@influxdata/influxdb-client',
];

const part = (name) => ({
  group: [`**/${name}/src/**`, `**/${name}/test/**`],
  message: `${name}/ is another part: reach it through the contracts in shared/ (see README "Layout").`,
});
const configLoader = {
  group: ['**/config/load.js'],
  message: 'the config loader reads files: a pure core takes parsed values (zod issues: shared/src/zod-issues.ts).',
};

/** One no-restricted-imports rule per file group, complete (flat config replaces a rule, never merges it). */
const restrict = (files, groups, ioModules = []) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: ioModules.map((name) => ({
          name,
          message: 'pure core: no I/O here; the shell around it does the I/O.',
        })),
        patterns: groups,
      },
    ],
  },
});

/** Rules that find real bugs stay errors; everything else the presets enable becomes a warning. */
const BUG_RULES = new Set([
  'no-dupe-keys',
  'no-dupe-class-members',
  'no-duplicate-case',
  'no-unreachable',
  'no-unsafe-finally',
  'no-self-assign',
  'no-cond-assign',
  'no-constant-binary-expression',
  'no-debugger',
  'valid-typeof',
  'no-unsafe-negation',
  'no-sparse-arrays',
  'no-func-assign',
  'no-import-assign',
  '@typescript-eslint/no-misused-new',
  '@typescript-eslint/no-unsafe-declaration-merging',
  '@typescript-eslint/no-duplicate-enum-values',
]);

const asWarnings = (config) => ({
  ...config,
  rules: Object.fromEntries(
    Object.entries(config.rules ?? {}).map(([rule, setting]) => {
      const severity = Array.isArray(setting) ? setting[0] : setting;
      if (severity === 'off' || severity === 0 || BUG_RULES.has(rule)) return [rule, setting];
      return [rule, Array.isArray(setting) ? ['warn', ...setting.slice(1)] : 'warn'];
    }),
  ),
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'coverage/**', '**/*.cjs'] },
  ...tseslint.configs.recommended.map(asWarnings),
  {
    files: ['**/*.ts', '**/*.js'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-duplicates': 'error',
      'no-duplicate-imports': 'off',
      'max-lines-per-function': ['warn', { max: 70, skipBlankLines: true, skipComments: true }],
      // Rest-destructuring to drop keys (`const { eventID: _id, ...content } = event`) and `_`-named parameters a
      // callback signature requires are the idioms for "deliberately unused"; anything else unused is still found.
      '@typescript-eslint/no-unused-vars': [
        'warn',
        { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  // Tests build fixtures in long tables: the length warning is for production functions.
  { files: ['**/test/**/*.ts', 'test/**/*.ts'], rules: { 'max-lines-per-function': 'off' } },
  restrict(['gateway/src/**/*.ts'], [part('cloud'), part('simulators')]),
  restrict(['cloud/src/**/*.ts'], [part('gateway'), part('simulators')]),
  restrict(['shared/src/**/*.ts'], [part('gateway'), part('cloud'), part('simulators')]),
  restrict(['gateway/src/debounce/**/*.ts'], [part('cloud'), part('simulators'), configLoader], IO_MODULES),
  restrict(
    ['cloud/src/ledger/**/*.ts', 'cloud/src/ingest/epcis-to-transactions.ts'],
    [part('gateway'), part('simulators'), configLoader],
    IO_MODULES,
  ),
);
