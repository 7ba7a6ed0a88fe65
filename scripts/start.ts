/**
 * npm start [-- --data DIR] [-- --port PORT]: run the venue app.
 *
 * Where the Electron binary is installed (or can be downloaded once), it
 * builds the renderer and the shell and launches the desktop app. Where it
 * cannot be had (machines that reach only the npm registry), it runs the
 * same app (the same composition root, src/app) through the browser host:
 * on the demo venue in ./venue-demo, or on --data DIR for real data (the key
 * file's passphrase in VENUE_PASSPHRASE); it opens an app window in an
 * installed Chromium or Chrome when there is a display (BROWSER=none: never),
 * else prints the address. Ctrl+C stops everything.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { electronBinary, electronNativeBinding, tryDownloadElectron } from './electron';

const require = createRequire(import.meta.url);

const USAGE = `Usage: npm start [-- --data DIR] [-- --port PORT]

  --data DIR   (browser host only) real data in DIR, its key file's passphrase in VENUE_PASSPHRASE;
               without it, the demo venue in ./venue-demo
  --port PORT  (browser host only) port on 127.0.0.1; default 5180 (0 picks a free one)`;

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function launchElectron(binary: string): never {
  run(process.execPath, [require.resolve('vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts']);
  run(process.execPath, ['--import', 'tsx', 'scripts/build-main.ts']);
  const nativeBinding = electronNativeBinding(run);
  // A development override, honoured by the shell only when it is not packaged (main/main.ts).
  const result = spawnSync(binary, ['.'], { stdio: 'inherit', env: { ...process.env, VENUE_NATIVE_BINDING: nativeBinding } });
  process.exit(result.status ?? 1);
}

async function launchBrowserHost(values: { data?: string; port?: string }): Promise<void> {
  const { launchHost, stopOnSignals } = await import('../host/launch');
  const port = values.port === undefined ? 5180 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535.\n\n${USAGE}`);
  const launched = await launchHost({
    dataDir: values.data ?? 'venue-demo',
    port,
    demo: values.data === undefined,
    passphraseEnv: 'VENUE_PASSPHRASE',
    buildRenderer: 'always',
    openWindow: true,
    anyPortIfTaken: values.port === undefined,
  });
  stopOnSignals(launched);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', default: false } }, strict: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  let binary = electronBinary();
  if (!binary) {
    console.log('Electron’s binary is not installed yet; trying to download it once…');
    const outcome = tryDownloadElectron();
    binary = electronBinary();
    if (!binary) {
      console.log(`The Electron binary cannot be had here (${outcome}): starting the same app through the browser host instead.`);
      await launchBrowserHost(values);
      return;
    }
  }
  launchElectron(binary);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
