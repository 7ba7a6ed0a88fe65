/**
 * Bundles the Electron shell (main process, preload, database process) into
 * dist/main/*.cjs. Native modules stay external: the database driver is
 * rebuilt for Electron separately (see scripts/start.ts and electron-builder.yml).
 */
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node' as const,
  format: 'cjs' as const,
  target: 'node22',
  sourcemap: true,
  logLevel: 'warning' as const,
  external: ['electron', 'better-sqlite3-multiple-ciphers', '@node-rs/argon2'],
};

await Promise.all([
  build({ ...common, entryPoints: ['main/main.ts'], outfile: 'dist/main/main.cjs' }),
  build({ ...common, entryPoints: ['main/db-process.ts'], outfile: 'dist/main/db-process.cjs' }),
  // A sandboxed preload may require only 'electron': everything else is bundled in.
  build({ ...common, entryPoints: ['main/preload.ts'], outfile: 'dist/main/preload.cjs' }),
]);
console.log('built dist/main/{main,db-process,preload}.cjs');
