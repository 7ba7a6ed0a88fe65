/**
 * Bundles the Electron shell (main process, preload, database process) into
 * <outdir>/*.cjs, by default dist/main/. Native modules stay external: the
 * database driver is rebuilt for Electron separately (see scripts/electron.ts
 * and electron-builder.yml). pdfkit stays external too: it reads its own data
 * files (standard fonts, colour profile) from beside its modules, which a
 * bundle would not have; electron-builder packs it with the production
 * dependencies. The shell's tests run the database process built
 * here (test/shell/).
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';

export const SHELL_OUTDIR = resolve(import.meta.dirname, '../dist/main');
const ROOT = resolve(import.meta.dirname, '..');

export async function buildShell(outdir: string = SHELL_OUTDIR): Promise<void> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node22',
    sourcemap: true,
    logLevel: 'warning' as const,
    absWorkingDir: ROOT,
    external: ['electron', 'better-sqlite3-multiple-ciphers', '@node-rs/argon2', 'pdfkit'],
  };
  await Promise.all([
    build({ ...common, entryPoints: ['main/main.ts'], outfile: resolve(outdir, 'main.cjs') }),
    build({ ...common, entryPoints: ['main/db-process.ts'], outfile: resolve(outdir, 'db-process.cjs') }),
    // A sandboxed preload may require only 'electron': everything else is bundled in.
    build({ ...common, entryPoints: ['main/preload.ts'], outfile: resolve(outdir, 'preload.cjs') }),
  ]);
}
