import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openCentralDb, type CentralDb } from '../../../server/db';
import { serveCentral, type ServedCentral } from './central';
import { until } from '../../support/wait';

/**
 * A central service whose database can be backed up and later restored from
 * that copy, on the same address, for the restore tests. PGlite: the folder,
 * copied while the service is stopped. PostgreSQL: a throwaway cluster of its
 * own (never the shared test server: a restore rewinds a whole cluster), a real
 * online base backup with pg_basebackup, and a restore of it in place of the
 * data directory while the central service keeps running.
 */
export interface RestorableCentral {
  readonly kind: 'pglite' | 'postgres';
  readonly url: string;
  /** The open database (PGlite's is a new one after a restore). */
  db(): CentralDb;
  backup(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function pgliteCentral(): Promise<RestorableCentral> {
  const dir = mkdtempSync(join(tmpdir(), 'venue-central-restore-'));
  const live = join(dir, 'pglite');
  const copy = join(dir, 'pglite-backup');
  let db = await openCentralDb({ dataDir: dir });
  let served = await serveCentral(db);
  const port = Number(new URL(served.url).port);
  const stop = async () => {
    await served.close();
    await db.close();
  };
  const start = async () => {
    db = await openCentralDb({ dataDir: dir });
    served = await serveCentral(db, { port });
  };
  return {
    kind: 'pglite',
    url: served.url,
    db: () => db,
    async backup() {
      await stop();
      cpSync(live, copy, { recursive: true });
      await start();
    },
    async restore() {
      await stop();
      rmSync(live, { recursive: true, force: true });
      cpSync(copy, live, { recursive: true });
      await start();
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL's own programs, newest version installed. */
function pgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_basebackup'))).sort((x, y) => Number(y) - Number(x));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function freePort(): number {
  return Number(execFileSync(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"]).toString().trim());
}

/** A cluster of its own with a real base backup and restore, or why it cannot be had here. */
export async function postgresCentral(): Promise<RestorableCentral | string> {
  const bin = pgBin();
  if (!bin) return 'the PostgreSQL restore test needs PostgreSQL’s programs (initdb, pg_ctl, pg_basebackup) in /usr/lib/postgresql/*/bin';
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'venue-pg-restore-'));
  const as = (program: string, args: string[]) =>
    root ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, program), ...args], { stdio: 'pipe' }) : execFileSync(join(bin, program), args, { stdio: 'pipe' });
  if (root) execFileSync('chown', ['postgres', dir]);
  const data = join(dir, 'data');
  const base = join(dir, 'base');
  const port = freePort();
  as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const startCluster = () => as('pg_ctl', ['-D', data, '-o', `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir}`, '-l', join(dir, 'log'), '-w', 'start']);
  startCluster();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE venue');
  await admin.end();
  const db = await openCentralDb({ dataDir: null, databaseUrl: `postgres://postgres@127.0.0.1:${port}/venue` });
  const served: ServedCentral = await serveCentral(db);
  return {
    kind: 'postgres',
    url: served.url,
    db: () => db,
    async backup() {
      // Online, while the service runs: what an operator's nightly base backup is.
      as('pg_basebackup', ['-D', base, '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-X', 'stream', '-c', 'fast']);
    },
    async restore() {
      as('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      rmSync(data, { recursive: true, force: true });
      cpSync(base, data, { recursive: true });
      if (root) execFileSync('chown', ['-R', 'postgres', data]);
      execFileSync('chmod', ['700', data]);
      startCluster();
      // The service's pool reconnects by itself; wait until it answers again.
      await until(
        () => db.query('SELECT 1').then(() => true, () => false),
        10_000,
        'the restored cluster to answer',
        100,
      ).catch(() => undefined); // as before: a cluster that does not come back fails the test's next query
    },
    async close() {
      await served.close();
      await db.close();
      try {
        as('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // Already stopped.
      }
      if (statSync(dir, { throwIfNoEntry: false })) rmSync(dir, { recursive: true, force: true });
    },
  };
}
