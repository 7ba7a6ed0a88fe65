/**
 * The Electron binary and the database driver built for its ABI, for
 * `npm start`. Nothing here runs inside the app.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);

/** The installed Electron binary, or null. */
export function electronBinary(): string | null {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Runs Electron's own installer once; 'ok' or why it failed (a DNS error here, usually). */
export function tryDownloadElectron(): string {
  const installer = require.resolve('electron/install.js');
  const result = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const reason = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo/.exec(output)?.[0];
  return result.status === 0 ? 'ok' : (reason ?? (result.error?.message || 'download failed'));
}

/**
 * The database driver built for Electron's ABI, in dist/native/, so that
 * node_modules keeps the build for Node and `npm test` still works after
 * `npm start`. Returns the absolute path of the compiled module.
 */
export function electronNativeBinding(run: (command: string, args: string[]) => void): string {
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  const driverDir = dirname(require.resolve('better-sqlite3-multiple-ciphers/package.json'));
  const target = join('dist', 'native', `electron-${electronVersion}`);
  const binding = resolve(target, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  console.log(`Building the encrypted database driver for Electron ${electronVersion} (once, a few minutes)…`);
  cpSync(driverDir, target, { recursive: true, filter: (src) => !src.includes(`${driverDir}/build`) });
  const nodeGyp = join(dirname(require.resolve('node-gyp/package.json')), 'bin', 'node-gyp.js');
  run(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers', `--directory=${target}`]);
  return binding;
}
