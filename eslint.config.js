// Flat config. The zone rules of docs/architecture.md live here: what each folder
// may import is checked on every run, with --max-warnings 0.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'fs/promises', 'http', 'http2', 'https', 'module', 'net', 'os', 'path', 'perf_hooks',
  'process', 'readline', 'stream', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

/** Pattern groups reused by the zones below. */
const UI_AND_SHELL = [
  { group: ['electron', 'electron/*', 'electron-store'], message: 'src/ and server/ run without Electron; platform glue belongs in main/.' },
  { group: ['react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'], message: 'No UI code outside renderer/.' },
  { group: ['**/main/**', '**/renderer/**', '**/host/**'], message: 'Zone rule: this folder may not import main/, host/ or renderer/.' },
];

/** What no file of src/ may import. */
const SRC_ZONE = [...UI_AND_SHELL, { group: ['**/server/**'], message: 'src/ may not import server/.' }];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'coverage/**', '.vite/**', 'release/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'test/**'],
    rules: {
      // A focused or skipped test must never land.
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only' }, { object: 'it', property: 'skip' },
        { object: 'test', property: 'only' }, { object: 'test', property: 'skip' },
        { object: 'describe', property: 'only' }, { object: 'describe', property: 'skip' },
      ],
    },
  },
  {
    // The venue core: plain TypeScript for Node. No Electron, React, DOM, or other zones.
    files: ['src/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: SRC_ZONE,
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement'],
    },
  },
  {
    // The domain (what the desks do) knows nothing of sync, transport or the call layer: it hands the
    // records it makes to a RecordSink (src/records/sink); the dispatcher writes them to the outbox in
    // the call's transaction; src/sync sends them and applies the feed.
    files: ['src/checkin/**/*.ts', 'src/doses/**/*.ts', 'src/day/**/*.ts', 'src/roster/**/*.ts', 'src/staff/**/*.ts', 'src/audit/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...SRC_ZONE,
          { group: ['**/sync', '**/sync/**', '**/api', '**/api/**', '**/app', '**/app/**'], message: 'Domain code may not import src/sync, src/api or src/app: hand the records it makes to a RecordSink (src/records/sink).' },
          {
            group: ['**/records/outbox', '**/records/outbox.ts'],
            message: 'Domain code never writes the outbox: hand the records it makes to the RecordSink its caller gives it; the dispatcher queues them in the call\'s transaction.',
          },
        ],
      }],
    },
  },
  {
    // The records are a leaf: the domain, sync and the server import them; they import none of those.
    files: ['src/records/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...SRC_ZONE,
          {
            group: ['**/checkin/**', '**/doses/**', '**/day/**', '**/roster/**', '**/staff/**', '**/audit/**', '**/sync', '**/sync/**', '**/api/**', '**/app/**'],
            message: 'src/records is a leaf: it may import only src/common, src/privacy and the store\'s types.',
          },
        ],
      }],
    },
  },
  {
    // The central service may use pure parts of src/, never the venue store.
    files: ['server/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...UI_AND_SHELL,
          { group: ['**/src/store', '**/src/store/**', 'better-sqlite3-multiple-ciphers'], message: 'server/ never touches the venue store.' },
        ],
      }],
    },
  },
  {
    // The transports: the Electron shell (main/) and the browser host (host/). Thin glue, no UI code,
    // and no wiring of their own: what the app runs (runtime, sync, backups, timers) comes from the
    // composition root in src/app, so that what the tests drive is what ships.
    files: ['main/**/*.ts', 'host/**/*.ts'],
    ignores: ['**/*.test.ts', 'host/demo.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'zustand', '**/renderer/**'], message: 'main/ and host/ hold no UI code.' },
          { group: ['**/server/**'], message: 'main/ and host/ may not import server/.' },
          {
            group: ['**/src/api/runtime', '**/src/api/dispatcher', '**/src/sync', '**/src/sync/**', '**/src/store/backup', '**/src/store/database', '**/src/store/settings'],
            allowTypeImports: true,
            message: 'Transports do not wire the app: start it with startVenueApp (src/app/venue-app.ts).',
          },
        ],
      }],
    },
  },
  {
    files: ['host/demo.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The renderer reaches the core only through window.venue, plus the pure parsers.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    // The Vite config is build tooling that runs in Node, not in the page.
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', 'global', '__dirname', '__filename'].map((name) => ({
          name,
          message: 'The renderer never uses Node; it reaches the core only through window.venue.',
        })),
      ],
      'no-restricted-imports': ['error', {
        paths: NODE_BUILTINS.map((name) => ({ name, message: 'The renderer never uses Node built-ins.' })),
        patterns: [
          { group: ['node:*'], message: 'The renderer never uses Node built-ins.' },
          { group: ['electron', 'electron/*', 'electron-store', 'better-sqlite3-multiple-ciphers'], message: 'The renderer reaches the core only through window.venue.' },
          { group: ['**/main/**', '**/server/**'], message: 'Zone rule: the renderer may not import main/ or server/.' },
          {
            group: ['**/src/*', '!**/src/ticket', '!**/src/gs1', '!**/src/api', '!**/src/common', '**/src/common/ids*'],
            message: 'The renderer may import only the pure parts of src/ (ticket, gs1, api types, common); the rest is reached through window.venue.',
          },
        ],
      }],
    },
  },
  {
    // Dates staff read are written one way, by renderer/src/i18n/format.ts (and src/common/dates.ts behind it).
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.tsx'],
    ignores: ['renderer/src/i18n/format.ts', '**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['toLocaleDateString', 'toLocaleTimeString', 'toISOString'].map((property) => ({
          property,
          message: 'Write dates through renderer/src/i18n/format.ts (one style for staff); no ISO or locale dates on screen.',
        })),
        { object: 'Intl', property: 'DateTimeFormat', message: 'Write dates through renderer/src/i18n/format.ts (one style for staff).' },
      ],
    },
  },
  {
    files: ['*.js', '*.cjs', '*.ts', 'scripts/**', 'test/**', 'renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
