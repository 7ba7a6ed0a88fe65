/**
 * npm run host -- --data DIR --port PORT [--central URL] [--demo] [--passphrase-env NAME]
 *
 * Starts the browser host (see README, "The browser host"): the venue core
 * over an encrypted database in DIR, the built renderer on 127.0.0.1:PORT,
 * and a per-launch token in the printed address.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_RENDERER_DIR, startHost } from './server';

const DEFAULT_PASSPHRASE_ENV = 'VENUE_PASSPHRASE';
/** Made-up data only: the demo database is protected by a passphrase everyone knows. */
export const DEMO_PASSPHRASE = 'demo-venue-passphrase';

const USAGE = `Usage: npm run host -- --data DIR --port PORT [--central URL] [--demo] [--passphrase-env NAME]

  --data DIR             folder for the encrypted database and its key file
  --port PORT            port on 127.0.0.1 (0 picks a free one)
  --central URL          central service to sync with (loopback address)
  --demo                 seed a made-up venue, roster and staff when the database is new
  --passphrase-env NAME  environment variable holding the key file's passphrase
                         (default ${DEFAULT_PASSPHRASE_ENV}; with --demo, a fixed demo passphrase when unset)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function buildRendererOnce(): Promise<void> {
  if (existsSync(join(DEFAULT_RENDERER_DIR, 'index.html'))) return;
  console.log('dist/renderer is missing: building the renderer once (npm run build:renderer)…');
  const { build } = await import('vite');
  await build({ configFile: resolve(import.meta.dirname, '../../renderer/vite.config.ts'), logLevel: 'warn' });
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        central: { type: 'string' },
        demo: { type: 'boolean', default: false },
        'passphrase-env': { type: 'string', default: DEFAULT_PASSPHRASE_ENV },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.data) fail('--data is required.');
  if (values.port === undefined || !/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) fail('--port must be a number from 0 to 65535.');
  if (values.central !== undefined) {
    let url: URL;
    try {
      url = new URL(values.central);
    } catch {
      fail('--central must be a URL such as http://127.0.0.1:8080');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('--central must be an http(s) URL.');
  }

  const envName = values['passphrase-env'];
  let passphrase = process.env[envName];
  if (!passphrase) {
    if (!values.demo) fail(`Set the key file's passphrase in the environment variable ${envName} (at least 12 characters).`);
    passphrase = DEMO_PASSPHRASE;
    console.log(`Demo mode: the database key is wrapped with the fixed demo passphrase "${DEMO_PASSPHRASE}" (${envName} is not set). Use it for made-up data only.`);
  }

  await buildRendererOnce();
  const host = await startHost({
    dataDir: resolve(values.data),
    port: Number(values.port),
    passphrase,
    demo: values.demo,
    central: values.central,
  });
  console.log('');
  console.log('The venue app is served on 127.0.0.1 only. Open this address (the token changes at every launch):');
  console.log(`  ${host.url}`);
  console.log('');
  const stop = () => {
    void host.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const staff = error && typeof error === 'object' && 'staffMessage' in error ? (error as { staffMessage: { en: string } }).staffMessage.en : null;
  console.error(staff ?? (error instanceof Error ? error.message : String(error)));
  process.exit(1);
});
