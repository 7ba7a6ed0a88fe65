import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Backoff } from '../src/sync/backoff';
import { migrate } from './migrations';
import { preparedName, type CentralDb, type Queryable } from './queryable';

export type { CentralDb, Queryable } from './queryable';

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
    async listen(channel, onPayload, onState) {
      // In-process: the channel cannot be lost.
      const stop = await pglite.listen(channel, onPayload);
      onState?.(true);
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

export interface PostgresOptions {
  /** Connections in this process's pool (several processes share one server: see README, "Several processes"). */
  readonly poolSize?: number;
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<CentralDb> {
  // Prepared statements are planned at every run, for their own parameters: never a plan kept from other rows (queryable.ts).
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types, options: '-c plan_cache_mode=force_custom_plan' });
  // An idle client that loses its connection must not crash the server.
  pool.on('error', () => {});
  await pool.query('SELECT 1');
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(sql: string, params: readonly unknown[] = []) {
      // A marked statement goes by its name: parsed once per connection, planned at every run (queryable.ts, prepared).
      const name = preparedName(sql);
      return (await client.query(name ? { name, text: sql, values: [...params] } : { text: sql, values: [...params] })).rows as R[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  const base = wrap(pool);
  const listeners = new Set<() => Promise<void>>();
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
    async listen(channel, onPayload, onState) {
      const stop = await holdListen(url, channel, onPayload, onState ?? (() => {}));
      listeners.add(stop);
      return async () => {
        listeners.delete(stop);
        await stop();
      };
    },
    close() {
      closing ??= (async () => {
        for (const stop of listeners) await stop();
        await pool.end();
      })();
      return closing;
    },
  };
}

/** How often the listening connection is asked to answer, and how long it may take, before it counts as lost. */
const LISTEN_HEARTBEAT_MS = 10_000;
const LISTEN_TIMEOUT_MS = 5_000;
export const LISTEN_APPLICATION_NAME = 'venue-central-listen';

/**
 * LISTEN on a dedicated connection that is made again whenever it is lost
 * (PostgreSQL restarted, the network cut, the backend terminated), with
 * exponential backoff and jitter up to 5 s, until it holds again; a
 * connection that stops answering its heartbeat counts as lost. Resolves
 * once the first LISTEN holds (throws if it cannot: the service should not
 * start without its database).
 */
async function holdListen(url: string, channel: string, onPayload: (payload: string) => void, onState: (listening: boolean) => void): Promise<() => Promise<void>> {
  let closed = false;
  let current: pg.Client | null = null;
  let wakeSleep: (() => void) | null = null;
  const backoff = new Backoff(250, 5_000);

  /** Connects and listens; resolves with a promise that settles when this connection is lost. */
  const connect = async (): Promise<{ client: pg.Client; lost: Promise<void> }> => {
    const client = new pg.Client({
      connectionString: url,
      types,
      keepAlive: true,
      connectionTimeoutMillis: LISTEN_TIMEOUT_MS,
      query_timeout: LISTEN_TIMEOUT_MS,
      // Named, so an administrator (and a test) can tell it in pg_stat_activity.
      application_name: LISTEN_APPLICATION_NAME,
    });
    const lost = new Promise<void>((resolve) => {
      client.on('error', () => resolve());
      client.on('end', () => resolve());
    });
    client.on('notification', (message) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return { client, lost };
  };

  const heartbeat = async (client: pg.Client, lost: Promise<void>): Promise<void> => {
    for (;;) {
      const tick = await Promise.race([lost.then(() => 'lost' as const), sleep(LISTEN_HEARTBEAT_MS, (wake) => (wakeSleep = wake)).then(() => 'tick' as const)]);
      if (tick === 'lost' || closed) return;
      try {
        await client.query('SELECT 1');
      } catch {
        return;
      }
    }
  };

  const first = await connect();
  current = first.client;
  onState(true);
  void (async () => {
    let held: { client: pg.Client; lost: Promise<void> } | null = first;
    while (!closed) {
      if (held) {
        await heartbeat(held.client, held.lost);
        current = null;
        await held.client.end().catch(() => {});
        held = null;
        if (closed) return;
        onState(false);
      }
      await sleep(backoff.next(), (wake) => (wakeSleep = wake));
      if (closed) return;
      try {
        held = await connect();
      } catch {
        // Still down: try again after a longer wait.
        continue;
      }
      if (closed) {
        await held.client.end().catch(() => {});
        return;
      }
      current = held.client;
      backoff.reset();
      onState(true);
    }
  })();
  return async () => {
    closed = true;
    wakeSleep?.();
    await current?.end().catch(() => {});
  };
}

/** A timer that `wake` (handed to onWake) ends early. */
function sleep(ms: number, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    // Unreferenced: a pending retry or heartbeat never keeps a stopping process alive.
    const timer = setTimeout(resolve, ms).unref();
    onWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface OpenCentralOptions {
  /** The data folder: PGlite lives in <data>/pglite unless a database URL is given. */
  readonly dataDir: string | null;
  readonly databaseUrl?: string | null;
  /** PostgreSQL: connections in this process's pool (default 10). */
  readonly poolSize?: number;
}

/** Opens the central database and brings its schema up to date. */
export async function openCentralDb(options: OpenCentralOptions): Promise<CentralDb> {
  const db = options.databaseUrl ? await openPostgres(options.databaseUrl, { poolSize: options.poolSize }) : await openPglite(options.dataDir ? join(options.dataDir, 'pglite') : null);
  try {
    await migrate(db);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
