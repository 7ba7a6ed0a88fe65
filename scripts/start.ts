/**
 * npm start: launch the desktop app in Electron. Where the Electron binary is
 * not installed and cannot be downloaded (build machines with no route to
 * GitHub), say exactly that and point to the browser host.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronBinary(): string | null {
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

function tryDownload(): string {
  const installer = require.resolve('electron/install.js');
  const result = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const reason = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo/.exec(output)?.[0];
  return result.status === 0 ? 'ok' : (reason ?? (result.error?.message || 'download failed'));
}

let binary = electronBinary();
if (!binary) {
  console.log('Electron’s binary is not installed yet; trying to download it once…');
  const outcome = tryDownload();
  binary = electronBinary();
  if (!binary) {
    console.error(
      [
        '',
        'Cannot start the desktop app: the Electron binary is missing.',
        `  node_modules/electron has no dist/ folder, and downloading it from GitHub failed (${outcome}).`,
        '  This happens on machines that reach only the npm registry.',
        '',
        'What to do:',
        '  • On a machine with internet access: rerun `npm start` (it downloads Electron once).',
        '  • Here: run the same app in a browser with the browser host, e.g.',
        '      npm run host -- --data ./venue-data --port 5180 --demo',
        '    and open the address it prints (see README, “The browser host”).',
        '',
      ].join('\n'),
    );
    process.exit(1);
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/**
 * The database driver built for Electron's ABI, in dist/native/, so that
 * node_modules keeps the build for Node and `npm test` still works after
 * `npm start`.
 */
function electronNativeBinding(): string {
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  const driverDir = dirname(require.resolve('better-sqlite3-multiple-ciphers/package.json'));
  const target = join('dist', 'native', `electron-${electronVersion}`);
  const binding = join(target, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  console.log(`Building the encrypted database driver for Electron ${electronVersion} (once, a few minutes)…`);
  cpSync(driverDir, target, { recursive: true, filter: (src) => !src.includes(`${driverDir}/build`) });
  const nodeGyp = join(dirname(require.resolve('node-gyp/package.json')), 'bin', 'node-gyp.js');
  run(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers', `--directory=${target}`]);
  return binding;
}

run(process.execPath, [require.resolve('vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts']);
run(process.execPath, ['--import', 'tsx', 'scripts/build-main.ts']);
const nativeBinding = electronNativeBinding();
const result = spawnSync(binary, ['.'], { stdio: 'inherit', env: { ...process.env, VENUE_NATIVE_BINDING: join(process.cwd(), nativeBinding) } });
process.exit(result.status ?? 1);
