/**
 * npm run server -- --data <folder> [--host 127.0.0.1] [--port 8080] [--cert cert.pem --key key.pem] [--database-url postgres://…]
 *   [--pool-size 10] [--upload-slots 4]
 *
 * Starts the central service. Without --database-url the database is the
 * embedded PGlite in <folder>/pglite. Without a certificate it listens on
 * loopback only (plain HTTP is allowed there and nowhere else).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCentralServer } from './server';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'database-url': { type: 'string' },
    'pool-size': { type: 'string' },
    'upload-slots': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const usage =
  'Usage: npm run server -- --data <folder> [--host 127.0.0.1] [--port 8080] [--cert cert.pem --key key.pem] [--database-url postgres://…]\n' +
  '         [--pool-size 10] [--upload-slots 4] [--quiet]\n' +
  '  --pool-size     PostgreSQL connections this process keeps (default 10; VENUE_DB_POOL_SIZE)\n' +
  '  --upload-slots  uploads stored at once; more wait up to 2 s, then are answered 429 (default: pool size - 4)\n';

async function main(): Promise<void> {
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  if (!values.data) {
    process.stderr.write(`error: --data <folder> is required\n${usage}`);
    process.exitCode = 2;
    return;
  }
  if (Boolean(values.cert) !== Boolean(values.key)) {
    process.stderr.write('error: give both --cert and --key, or neither\n');
    process.exitCode = 2;
    return;
  }
  const tls = values.cert && values.key ? { cert: readFileSync(values.cert), key: readFileSync(values.key) } : null;
  const dataDir = resolve(values.data);
  const databaseUrl = values['database-url'] ?? process.env.VENUE_DATABASE_URL ?? null;
  const count = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`${name} must be a whole number from 1 to 1000`);
    return n;
  };
  const poolSize = count('--pool-size', values['pool-size'] ?? process.env.VENUE_DB_POOL_SIZE);
  const uploadSlots = count('--upload-slots', values['upload-slots']);
  const server = await startCentralServer({
    dataDir,
    databaseUrl,
    host: values.host,
    port: values.port === undefined ? (tls ? 8443 : 8080) : Number(values.port),
    tls,
    poolSize,
    uploadSlots,
    log: values.quiet ? undefined : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(`Central service listening on ${server.url} (${databaseUrl ? 'PostgreSQL' : `PGlite in ${dataDir}/pglite`})\n`);
  if (server.fingerprint) process.stdout.write(`Certificate SHA-256 fingerprint: ${server.fingerprint}\n`);
  process.stdout.write(`READY ${server.url}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
