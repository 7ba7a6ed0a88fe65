/**
 * npm run host -- --data DIR --port PORT [--demo] [--passphrase-env NAME] [--open]
 *
 * Starts the browser host (see README, "The browser host"): the venue app
 * over an encrypted database in DIR, the built renderer on 127.0.0.1:PORT,
 * and a per-launch token in the printed address. The device syncs with the
 * central service it is enrolled with on its first-run screen.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PASSPHRASE_ENV, launchHost, stopOnSignals } from './launch';

const USAGE = `Usage: npm run host -- --data DIR --port PORT [--demo] [--passphrase-env NAME] [--open]

  --data DIR             folder for the encrypted database, its key file and backups
  --port PORT            port on 127.0.0.1 (0 picks a free one)
  --demo                 seed a made-up venue, roster and staff when the database is new
  --passphrase-env NAME  environment variable holding the key file's passphrase
                         (default ${DEFAULT_PASSPHRASE_ENV}; with --demo, a fixed demo passphrase when unset)
  --open                 open an app window in an installed Chromium or Chrome`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        demo: { type: 'boolean', default: false },
        'passphrase-env': { type: 'string', default: DEFAULT_PASSPHRASE_ENV },
        open: { type: 'boolean', default: false },
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
  const launched = await launchHost({
    dataDir: values.data,
    port: Number(values.port),
    demo: values.demo,
    passphraseEnv: values['passphrase-env'],
    buildRenderer: 'if-missing',
    openWindow: values.open,
  });
  stopOnSignals(launched);
}

main().catch((error: unknown) => {
  const staff = error && typeof error === 'object' && 'staffMessage' in error ? (error as { staffMessage: { en: string } }).staffMessage.en : null;
  console.error(staff ?? (error instanceof Error ? error.message : String(error)));
  process.exit(1);
});
