import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from './migrations';

/**
 * The central database: PostgreSQL through `pg`, or PGlite (PostgreSQL in
 * WebAssembly, in-process) as the embedded default when no database URL is
 * given. Both run the same SQL, so everything above this file is written
 * once. Query parameters are $1, $2, …; bigint comes back as a JS number.
 */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface CentralDb extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Calls back on NOTIFY to the channel, from any connection (the admin CLI's too). */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class DataFolderInUse extends Error {
  constructor(readonly pid: number) {
    super(`the data folder is in use by process ${pid} (stop it, or run admin commands while it runs: they go through it)`);
    this.name = 'DataFolderInUse';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder
 * would corrupt it. A lock file with the owner's pid keeps a second one out;
 * a lock left by a killed process is taken over.
 */
function lockFolder(dir: string): () => void {
  // Beside the folder, not in it: PGlite wants its folder to itself.
  const lock = `${dir}.lock`;
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DataFolderInUse(pid);
  }
  writeFileSync(lock, String(process.pid), { mode: 0o600 });
  return () => {
    try {
      if (readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock, { force: true });
    } catch {
      // Already gone.
    }
  };
}

/** PGlite in a folder (persistent) or in memory (null). */
export async function openPglite(dir: string | null): Promise<CentralDb> {
  let unlock = () => {};
  if (dir) {
    mkdirSync(join(dir, '..'), { recursive: true, mode: 0o700 });
    unlock = lockFolder(dir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dir ?? undefined);
  } catch (error) {
    unlock();
    throw error;
  }
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): Queryable => ({
    async query<R>(sql: string, params: readonly unknown[] = []) {
      return (await q.query<R>(sql, [...params])).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const base = wrap(pglite);
  let closing: Promise<void> | null = null;
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction: (fn) => pglite.transaction((tx) => fn(wrap(tx))),
    async listen(channel, onPayload) {
      const stop = await pglite.listen(channel, onPayload);
      return async () => {
        await stop();
      };
    },
    close() {
      closing ??= (async () => {
        try {
          await pglite.close();
        } finally {
          unlock();
        }
      })();
      return closing;
    },
  };
}

const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    // Cursors and counts stay far below 2^53.
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export async function openPostgres(url: string): Promise<CentralDb> {
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  // An idle client that loses its connection must not crash the server.
  pool.on('error', () => {});
  await pool.query('SELECT 1');
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(sql, [...params])).rows as R[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  const base = wrap(pool);
  const listeners: pg.Client[] = [];
  let closing: Promise<void> | null = null;
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      let client: pg.Client | null = null;
      let closed = false;
      // A dedicated connection; if it drops, it comes back (a missed notice only delays a long-poll).
      const connect = async (): Promise<void> => {
        if (closed) return;
        const next = new pg.Client({ connectionString: url, types });
        next.on('notification', (message) => {
          if (message.channel === channel) onPayload(message.payload ?? '');
        });
        next.on('error', () => {
          next.end().catch(() => {});
          if (!closed) setTimeout(() => void connect().catch(() => {}), 1_000);
        });
        await next.connect();
        await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        client = next;
        listeners.push(next);
      };
      await connect();
      return async () => {
        closed = true;
        await client?.end().catch(() => {});
      };
    },
    close() {
      closing ??= (async () => {
        for (const client of listeners) await client.end().catch(() => {});
        await pool.end();
      })();
      return closing;
    },
  };
}

export interface OpenCentralOptions {
  /** The data folder: PGlite lives in <data>/pglite unless a database URL is given. */
  readonly dataDir: string | null;
  readonly databaseUrl?: string | null;
}

/** Opens the central database and brings its schema up to date. */
export async function openCentralDb(options: OpenCentralOptions): Promise<CentralDb> {
  const db = options.databaseUrl ? await openPostgres(options.databaseUrl) : await openPglite(options.dataDir ? join(options.dataDir, 'pglite') : null);
  try {
    await migrate(db);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
